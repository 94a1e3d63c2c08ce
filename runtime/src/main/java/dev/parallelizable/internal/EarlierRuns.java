package dev.parallelizable.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The failed runs of one task under its retry policy: how many there were, and the failures its
 * final failure carries as suppressed, of which at most {@value #KEPT} are kept: the first run's,
 * and those of the latest runs. Its memory is bounded whatever the policy's {@code maxAttempts}.
 * Not thread-safe.
 *
 * @param <T> what a failure is remembered by
 */
public final class EarlierRuns<T> {
  /** The most failures kept: the first run's, and those of the latest runs. */
  public static final int KEPT = 10;

  private T first;
  private final ArrayDeque<T> latest = new ArrayDeque<>(KEPT - 1);
  private int count;

  /** Counts a failed run that is to run again, and returns how many failed runs there were. */
  public int add(T failure) {
    if (count++ == 0) {
      first = failure;
    } else {
      if (latest.size() == KEPT - 1) {
        latest.removeFirst();
      }
      latest.addLast(failure);
    }
    return count;
  }

  /** How many failed runs there were. */
  public int count() {
    return count;
  }

  /** The failures kept, oldest first: the first run's, then the latest runs'. */
  public List<T> kept() {
    List<T> kept = new ArrayList<>(latest.size() + 1);
    if (count > 0) {
      kept.add(first);
    }
    kept.addAll(latest);
    return kept;
  }
}

package dev.parallelizable;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * A suite run against every kind of pool ({@link PoolKind#all()}), with {@code
 * @MethodSource("kinds")}: the pools a test creates through {@link #pool} or {@link #track} are
 * terminated after it, whatever it left running.
 */
abstract class EveryPoolKind {
  /** The pools the current test created. */
  final List<Pool> pools = new ArrayList<>();

  static List<PoolKind> kinds() {
    return PoolKind.all();
  }

  /** A pool of two workers of {@code kind}, terminated after the test. */
  Pool pool(PoolKind kind) {
    return track(kind.create(2));
  }

  /** Terminates {@code pool} after the test. */
  <P extends Pool> P track(P pool) {
    pools.add(pool);
    return pool;
  }

  @AfterEach
  void terminatePools() {
    pools.forEach(Pool::terminate);
  }
}

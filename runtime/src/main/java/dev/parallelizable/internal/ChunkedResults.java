package dev.parallelizable.internal;

import dev.parallelizable.ParallelException;
import dev.parallelizable.ResultIterator;
import dev.parallelizable.Task;
import dev.parallelizable.WaitInterruptedException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * The engine of {@code map}, {@code imap}, {@code imapUnordered} and {@code run}: reads inputs
 * lazily, cuts them into chunks, keeps at most {@code window} chunks in flight, and yields results in
 * input order (ordered) or chunk completion order (unordered).
 *
 * <p>On the first failure it meets, it cancels every chunk in flight that has not started, reads no
 * more input, and throws that failure; the iterator is then finished. For the ordered mode this is
 * the first failure in input order.
 */
final class ChunkedResults<T, R> implements ResultIterator<R> {
  private final AbstractPool pool;
  private final Iterator<? extends T> inputs;
  private final Function<? super T, ? extends Task<?>> toTask;
  private final ChunkSizer sizer;
  private final boolean ordered;
  private final int window;
  private final ArrayDeque<Chunk> inFlight = new ArrayDeque<>();
  private final LinkedBlockingQueue<Chunk> completions;
  private long read;
  private Chunk current;
  private int position;
  private boolean finished;

  ChunkedResults(
      AbstractPool pool,
      Iterable<? extends T> inputs,
      Function<? super T, ? extends Task<?>> toTask,
      int chunkSize,
      boolean ordered) {
    if (chunkSize < 0) {
      throw new IllegalArgumentException("chunkSize must be positive, or 0 to let the pool choose; got " + chunkSize);
    }
    java.util.Objects.requireNonNull(toTask, "toTask");
    java.util.Objects.requireNonNull(inputs, "inputs");
    this.pool = pool;
    this.inputs = inputs.iterator();
    this.toTask = toTask;
    long known = inputs instanceof java.util.Collection<?> c ? c.size() : -1;
    this.sizer = new ChunkSizer(chunkSize, known, pool.size());
    this.ordered = ordered;
    this.window = 2 * pool.size() + 1;
    this.completions = ordered ? null : new LinkedBlockingQueue<>();
    fill();
  }

  private void fill() {
    while (inFlight.size() < window && inputs.hasNext()) {
      int size = sizer.next();
      Object[] batch = new Object[size];
      int n = 0;
      while (n < size && inputs.hasNext()) {
        batch[n++] = inputs.next();
      }
      if (n < size) {
        batch = java.util.Arrays.copyOf(batch, n);
      }
      Chunk chunk = new Chunk(batch, toTask, read);
      read += n;
      chunk.done().thenAccept(this::completed);
      inFlight.add(chunk);
      pool.submit(chunk);
    }
  }

  private void completed(Chunk chunk) {
    sizer.record(chunk.completed(), chunk.elapsedNanos());
    if (completions != null) {
      completions.add(chunk);
    }
  }

  @Override
  public boolean hasNext() {
    if (finished) {
      return false;
    }
    while (current == null || position >= current.completed()) {
      if (current != null && current.failure() != null) {
        ParallelException failure = current.failure();
        close();
        throw failure;
      }
      if (inFlight.isEmpty()) {
        finished = true;
        return false;
      }
      current = ordered ? inFlight.poll() : takeCompleted();
      current.await();
      position = 0;
      if (current.failure() == null) {
        fill(); // after a failure no more input is read: the loop throws it
      }
    }
    return true;
  }

  private Chunk takeCompleted() {
    try {
      Chunk chunk = completions.take();
      inFlight.remove(chunk);
      return chunk;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WaitInterruptedException("Interrupted while waiting for results", e);
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public R next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return (R) current.result(position++);
  }

  @Override
  public void close() {
    finished = true;
    for (Chunk chunk : inFlight) {
      chunk.cancel("Cancelled: an earlier task of the same map failed, or its results were closed");
    }
    inFlight.clear();
  }
}

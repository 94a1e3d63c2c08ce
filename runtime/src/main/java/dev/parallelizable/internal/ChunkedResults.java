package dev.parallelizable.internal;

import dev.parallelizable.ParallelException;
import dev.parallelizable.ResultIterator;
import dev.parallelizable.Task;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.WaitInterruptedException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.RandomAccess;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * The engine of {@code map}, {@code imap}, {@code imapUnordered} and {@code run}: reads inputs
 * lazily, cuts them into chunks ({@link ChunkSizer}), keeps at most {@code 2 * workers + 1} chunks in
 * flight, and yields results in input order (ordered) or chunk completion order (unordered).
 *
 * <p>On the first failure it meets, it cancels every chunk in flight that has not started, reads no
 * more input, and throws that failure; the iterator is then finished. For the ordered mode this is
 * the first failure in input order.
 *
 * <p>In the mode that keeps going ({@code outcomes}, for {@code mapOutcomes} and its lazy forms),
 * chunks record each element's failure and go on, and the iterator yields one {@link
 * dev.parallelizable.Outcome} per input instead of results, never throwing a task's failure.
 *
 * <p>A map whose whole work the pool has measured to be below {@link #INLINE_NANOS} runs in the
 * calling thread as one chunk, on pools that allow it ({@link AbstractPool#mayRunInCaller()}):
 * waking a worker would cost more than the work.
 */
final class ChunkedResults<T, R> implements ResultIterator<R>, InputPositions {
  /** About twice what handing a chunk to a sleeping thread and back costs. */
  static final long INLINE_NANOS = 100_000L;

  private final AbstractPool pool;
  private final Iterator<? extends T> inputs;
  /** The inputs when they are a list that {@link #fill()} may copy at once; else null. */
  private final List<?> inputList;
  /** The number of inputs if known in advance; else -1. */
  private final long known;
  private final Function<? super T, ? extends Task<?>> toTask;
  private final TaskMethod<?> method;
  private final TaskMethod<?> argumentsOf;
  private final ChunkSizer sizer;
  private final boolean ordered;
  private final boolean inline;
  private final boolean outcomes;
  private final int window;
  private final ArrayDeque<Chunk> inFlight = new ArrayDeque<>();
  private final LinkedBlockingQueue<Chunk> completions;
  private Object first;
  private boolean hasFirst;
  /**
   * The task {@link #methodOf} built for the first input, handed to the chunk that holds that input
   * so that the function is called once per input; null once handed, or if none was built.
   */
  private Task<?> firstTask;
  private long read;
  private Chunk current;
  private int position;
  /** The input position of what {@link #next()} returned or threw last; -1 before either. */
  private long lastPosition = -1;
  private boolean finished;
  /** The index of the next input of {@link #inputList} to read; its first is read by the iterator. */
  private int listNext = 1;
  /** Whether every input was read: {@link #fillInline()} took them all from their list. */
  private boolean allRead;

  ChunkedResults(
      AbstractPool pool,
      Iterable<? extends T> inputs,
      Function<? super T, ? extends Task<?>> toTask,
      int chunkSize,
      boolean ordered) {
    this(pool, inputs, toTask, chunkSize, ordered, null, false);
  }

  /**
   * @param argumentsOf the method whose one argument each input is, or null if the inputs are
   *     only what {@code toTask} takes (see {@link Chunk})
   */
  ChunkedResults(
      AbstractPool pool,
      Iterable<? extends T> inputs,
      Function<? super T, ? extends Task<?>> toTask,
      int chunkSize,
      boolean ordered,
      TaskMethod<?> argumentsOf) {
    this(pool, inputs, toTask, chunkSize, ordered, argumentsOf, false);
  }

  /** @param outcomes whether the map keeps going and yields outcomes (see above) */
  ChunkedResults(
      AbstractPool pool,
      Iterable<? extends T> inputs,
      Function<? super T, ? extends Task<?>> toTask,
      int chunkSize,
      boolean ordered,
      boolean outcomes) {
    this(pool, inputs, toTask, chunkSize, ordered, null, outcomes);
  }


  private ChunkedResults(
      AbstractPool pool,
      Iterable<? extends T> inputs,
      Function<? super T, ? extends Task<?>> toTask,
      int chunkSize,
      boolean ordered,
      TaskMethod<?> argumentsOf,
      boolean outcomes) {
    AbstractPool.checkMapArguments(toTask, inputs, chunkSize);
    pool.checkAccepting();
    this.pool = pool;
    this.inputs = inputs.iterator();
    this.toTask = toTask;
    this.argumentsOf = argumentsOf;
    this.ordered = ordered;
    this.outcomes = outcomes;
    this.window = 2 * pool.size() + 1;
    this.completions = ordered ? null : new LinkedBlockingQueue<>();
    this.hasFirst = this.inputs.hasNext();
    this.first = hasFirst ? this.inputs.next() : null;
    // A map of one method's arguments knows its method without building a task.
    this.method = argumentsOf != null ? argumentsOf : hasFirst ? methodOf(first) : null;
    long known = inputs instanceof Collection<?> c ? c.size() : -1;
    this.known = known;
    this.inputList = inputs instanceof List<?> list && inputs instanceof RandomAccess ? list : null;
    long estimate = pool.costs().estimate(method);
    this.sizer = new ChunkSizer(chunkSize, known, pool.size(), () -> pool.costs().estimate(method));
    this.inline =
        chunkSize == 0
            && known >= 0
            && estimate > 0
            && pool.mayRunInCaller()
            && known * estimate <= INLINE_NANOS;
    fill();
  }

  /** The method of the first task, which keys the pool's cost estimate. */
  @SuppressWarnings("unchecked")
  private TaskMethod<?> methodOf(Object input) {
    try {
      Task<?> task = toTask.apply((T) input);
      firstTask = task;
      return task == null ? null : task.method();
    } catch (Throwable e) {
      // Whatever it threw, undeclared checked exceptions included: the chunk that holds this input
      // builds it again and reports the failure, naming the input.
      return null;
    }
  }

  private void fill() {
    if (allRead || (inline && hasFirst && inputList != null && fillInline())) {
      return;
    }
    while (inFlight.size() < window && (hasFirst || moreInputs())) {
      int size = inline ? Integer.MAX_VALUE : sizer.next();
      start(inputList != null ? nextFromList(size) : nextFromIterator(size));
    }
  }

  /**
   * The next {@code size} inputs or fewer of a list, copied at once (past its first element, its
   * iterator is unused). With no first element to put before them, the array the list copies them
   * to is the chunk's, so that a million inputs are copied once; unless the copy is not an {@code
   * Object[]} of their number, which a list of another library may return.
   */
  private Object[] nextFromList(int size) {
    int n = hasFirst ? 1 : 0;
    int take = Math.min(size - n, Math.max(0, inputList.size() - listNext));
    Object[] part = take > 0 ? inputList.subList(listNext, listNext + take).toArray() : new Object[0];
    listNext += take;
    if (n == 0 && part.length == take && part.getClass() == Object[].class) {
      return part;
    }
    Object[] batch = new Object[n + take];
    if (hasFirst) {
      batch[0] = takeFirst();
    }
    System.arraycopy(part, 0, batch, n, take);
    return batch;
  }

  /** The next {@code size} inputs or fewer of the iterator. */
  private Object[] nextFromIterator(int size) {
    Object[] batch = new Object[inline ? (int) Math.min(Math.max(known, 1), 1 << 20) : size];
    int n = 0;
    if (hasFirst) {
      batch[n++] = takeFirst();
    }
    while (n < size && inputs.hasNext()) {
      if (n == batch.length) {
        batch = Arrays.copyOf(batch, batch.length * 2);
      }
      batch[n++] = inputs.next();
    }
    return n < batch.length ? Arrays.copyOf(batch, n) : batch;
  }

  /** The first input, read already to learn the map's method, handed to its chunk. */
  private Object takeFirst() {
    Object input = first;
    hasFirst = false;
    first = null;
    return input;
  }

  /** Whether an input is left to read: in the list by index, else from the iterator. */
  private boolean moreInputs() {
    return inputList != null ? listNext < inputList.size() : inputs.hasNext();
  }

  /**
   * The whole map as one chunk run here, its inputs copied from their list at once rather than
   * one by one; false, with nothing read, if the list's size changed since it was taken or its first
   * element is no longer the one read.
   */
  private boolean fillInline() {
    Object[] batch = inputList.toArray();
    if (batch.length != known || batch.length == 0 || batch[0] != first) {
      return false;
    }
    hasFirst = false;
    first = null;
    allRead = true;
    start(batch);
    return true;
  }

  /** Makes the chunk of {@code batch}, the next inputs, and submits it (or runs it here). */
  private void start(Object[] batch) {
    Chunk chunk = new Chunk(batch, toTask, read, argumentsOf, outcomes);
    if (read == 0 && firstTask != null) {
      chunk.firstBuilt(firstTask);
      firstTask = null;
    }
    read += batch.length;
    if (!ordered) {
      chunk.done().thenAccept(this::completed);
    }
    if (inline) {
      pool.runInCaller(chunk);
    } else {
      pool.submitNext(chunk);
    }
    inFlight.add(chunk); // only once submitted: a chunk the pool refused is never waited for
  }

  /** Records the cost of a chunk once done; queues it for an unordered iterator. */
  private void completed(Chunk chunk) {
    if (chunk.failure() == null) {
      pool.costs().record(method, chunk.completed(), chunk.costNanos());
    }
    if (completions != null) {
      completions.add(chunk);
    }
  }

  @Override
  public boolean hasNext() {
    if (finished) {
      return false;
    }
    while (current == null || position >= available(current)) {
      if (current != null && current.failure() != null && !outcomes) {
        ParallelException failure = current.failure();
        lastPosition = current.offset() + current.completed(); // the element that failed
        close();
        throw failure;
      }
      if (inFlight.isEmpty()) {
        finished = true;
        return false;
      }
      current = ordered ? inFlight.poll() : takeCompleted();
      current.await();
      current.decode(); // here, in the caller: a result's readObject never stalls the pool's threads
      if (ordered) {
        completed(current); // an unordered iterator did when the chunk completed
      }
      position = 0;
      if (current.failure() == null || outcomes) {
        fill(); // after a failure no more input is read: the loop throws it
      }
    }
    return true;
  }

  /** How many elements of a done chunk are yielded: those that succeeded, or all for outcomes. */
  private int available(Chunk chunk) {
    return outcomes ? chunk.size() : chunk.completed();
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

  /**
   * Adds every remaining result to {@code out} in order, as {@code hasNext()}/{@code next()} would,
   * but a chunk at a time: a map of tiny tasks should not pay two calls per result in the caller.
   */
  @SuppressWarnings("unchecked")
  void drainTo(Collection<? super R> out) {
    if (outcomes) {
      while (hasNext()) {
        out.add((R) current.outcome(position++));
      }
      return;
    }
    while (hasNext()) {
      for (int i = position; i < current.completed(); i++) {
        out.add((R) current.result(i));
      }
      position = current.completed();
    }
  }

  /**
   * Every remaining result, in order, as {@link #drainTo} would add them, but in a {@link
   * ResultList} over the chunks' own results: no copy, and no box for a primitive result column.
   */
  ResultList<R> drain() {
    ResultList<R> out = new ResultList<>(inFlight.size());
    while (hasNext()) {
      out.add(current.resultValues(), position, current.completed() - position);
      position = current.completed();
    }
    return out;
  }

  @Override
  @SuppressWarnings("unchecked")
  public R next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    lastPosition = current.offset() + position;
    return (R) (outcomes ? current.outcome(position++) : current.result(position++));
  }

  @Override
  public long lastPosition() {
    return lastPosition;
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

package dev.parallelizable;

import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The lazy results of {@link Pool#imap} or {@link Pool#imapUnordered}. Tasks are submitted as the
 * iterator advances, with a bounded look-ahead, so an endless input does not fill memory.
 *
 * <p>{@link #next()} throws the failure of a task ({@link TaskFailedException} and its subclasses)
 * when it reaches that task; the iterator is finished after that. {@link #close()} cancels the tasks
 * submitted ahead that have not started; closing early is how to stop consuming an endless input.
 *
 * <p>Not thread-safe: consume it from one thread.
 *
 * @param <R> the result type
 */
public interface ResultIterator<R> extends Iterator<R>, AutoCloseable {
  /** Cancels the look-ahead that has not started and stops. Idempotent. */
  @Override
  void close();

  /**
   * The remaining results as a sequential stream; closing the stream closes this iterator.
   *
   * @return a stream of the remaining results, in this iterator's order
   */
  default Stream<R> stream() {
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false)
        .onClose(this::close);
  }
}

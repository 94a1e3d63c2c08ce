package dev.parallelizable.support;

/**
 * The first failure of a batch run by {@link TaskInvoker#invokeBatch}: which row failed, what it
 * threw (the {@linkplain #getCause() cause}, unwrapped), and the result column whose rows before it
 * hold their results. Rows after it did not run.
 *
 * <p>Thrown by generated code and caught by the runtime; it records no stack trace of its own (the
 * cause has the stack that matters). Not thread-safe; it belongs to the thread that ran the batch.
 */
public final class BatchFailure extends Exception {
  private static final long serialVersionUID = 1L;

  /** The row that failed, from 0. */
  private final int index;

  /** The batch's result column; not serialized. */
  private final transient Object results;

  /**
   * Records that row {@code index} of a batch threw {@code cause}.
   *
   * @param index the row that failed, from 0
   * @param cause what the method threw; not null
   * @param results the batch's result column (rows before {@code index} are set); null for a
   *     {@code void} method
   */
  public BatchFailure(int index, Throwable cause, Object results) {
    super("row " + index + " of a batch failed", cause, false, false);
    this.index = index;
    this.results = results;
  }

  /**
   * The row that failed.
   *
   * @return the index of the failed row, from 0
   */
  public int index() {
    return index;
  }

  /**
   * The batch's result column: rows before {@link #index()} hold their results.
   *
   * @return the result column, or null for a {@code void} method
   */
  public Object results() {
    return results;
  }
}

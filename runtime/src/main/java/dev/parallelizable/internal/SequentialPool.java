package dev.parallelizable.internal;

/**
 * A pool of one worker, the calling thread: every task runs inside the call that submits it.
 * For debugging and for joblib's {@code n_jobs=1}; {@code applyAsync} returns a completed result.
 */
public final class SequentialPool extends AbstractPool {
  /** Its one worker's row in {@link #stats()}: whichever thread submits. */
  private final PoolCounters.Worker caller;

  public SequentialPool() {
    super("sequential pool", 1);
    caller = newLocalWorker("calling thread");
  }

  @Override
  protected void dispatch(Chunk chunk) {
    runOn(chunk, caller);
  }

  @Override
  protected void stopWhenIdle() {}

  @Override
  protected void awaitStopped() {}

  @Override
  protected void stopNow() {}
}

package dev.parallelizable.internal;

/**
 * A pool of one worker, the calling thread: every task runs inside the call that submits it.
 * For debugging and for joblib's {@code n_jobs=1}; {@code applyAsync} returns a completed result.
 */
public final class SequentialPool extends AbstractPool {
  private static final String KIND = "sequential pool";

  /** Its one worker's row in {@link #stats()}: whichever thread submits. */
  private final PoolCounters.Worker caller;

  /** A sequential pool named {@code given}, or {@code "sequential pool"} if null. */
  public SequentialPool(String given) {
    super(given == null ? KIND : given, PoolNames.shown(KIND, given, KIND), 1);
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

package dev.parallelizable.internal;

/**
 * A pool of one worker, the calling thread: every task runs inside the call that submits it.
 * For debugging and for joblib's {@code n_jobs=1}; {@code applyAsync} returns a completed result.
 */
public final class SequentialPool extends AbstractPool {
  public SequentialPool() {
    super("sequential pool", 1);
  }

  @Override
  protected void dispatch(Chunk chunk) {
    chunk.runHere();
  }

  @Override
  protected void stopWhenIdle() {}

  @Override
  protected void awaitStopped() {}

  @Override
  protected void stopNow() {}
}

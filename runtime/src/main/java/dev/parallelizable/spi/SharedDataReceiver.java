package dev.parallelizable.spi;

import dev.parallelizable.internal.shared.ReceivedShares;

/**
 * A worker's side of a remote pool's {@link SharedDataStore}: given to {@link
 * EncodedChunk#run(byte[], dev.parallelizable.Codec, String, SharedDataReceiver)}, it gets a
 * handle's bytes from the store the first time a task refers to its key and gives every later task
 * the same {@link dev.parallelizable.SharedData} object. A reference whose key the store does not
 * hold (the handle was closed, or the reference is forged) fails its task alone, with an {@link
 * java.io.InvalidObjectException} saying why.
 *
 * <p>Thread-safe. One per worker (per cluster member), shared by every pool that sends it tasks.
 */
public final class SharedDataReceiver {
  private final ReceivedShares shares;

  private SharedDataReceiver(ReceivedShares shares) {
    this.shares = shares;
  }

  /**
   * A receiver that gets bytes from {@code store}.
   *
   * @param store where the callers put the bytes; not null
   * @return a new receiver, holding nothing yet
   */
  public static SharedDataReceiver create(SharedDataStore store) {
    return new SharedDataReceiver(new ReceivedShares(store));
  }

  /**
   * Drops what was received under {@code key}: call it when the store no longer holds the key.
   * Tasks that hold the handle keep reading it.
   *
   * @param key a key removed from the store
   */
  public void forget(String key) {
    shares.forget(key);
  }

  /**
   * How many times a key was got from the store: once per key this worker received, however many
   * tasks referred to it.
   *
   * @return the number of gets
   */
  public long fetches() {
    return shares.fetches();
  }

  /**
   * How many handles this worker holds now.
   *
   * @return the number of keys received and not forgotten
   */
  public int held() {
    return shares.size();
  }

  ReceivedShares shares() {
    return shares;
  }
}

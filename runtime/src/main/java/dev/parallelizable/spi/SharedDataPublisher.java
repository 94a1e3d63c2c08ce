package dev.parallelizable.spi;

import dev.parallelizable.internal.shared.StoredShares;

/**
 * The caller's side of a remote pool's {@link SharedDataStore}: given to {@link
 * EncodedChunk#encode(dev.parallelizable.Task[], dev.parallelizable.Codec, SharedDataPublisher)},
 * it puts the bytes of each {@link dev.parallelizable.SharedData} handle into the store the first
 * time the handle is passed to the pool, and the tasks carry only a reference to its key. Closing
 * the handle removes its key; {@link #close()} removes every key of the pool.
 *
 * <p>Thread-safe.
 */
public final class SharedDataPublisher implements AutoCloseable {
  private final StoredShares shares;

  private SharedDataPublisher(StoredShares shares) {
    this.shares = shares;
  }

  /**
   * A publisher for one pool.
   *
   * @param store where the bytes go; not null
   * @param keyPrefix the start of every key the pool puts, unique to the pool in the store; not null
   * @return a new publisher, open
   */
  public static SharedDataPublisher create(SharedDataStore store, String keyPrefix) {
    return new SharedDataPublisher(new StoredShares(store, keyPrefix));
  }

  /**
   * How many handles' bytes were put into the store so far: one per handle, however many tasks
   * received it.
   *
   * @return the number of puts
   */
  public long puts() {
    return shares.puts();
  }

  /** Removes every key this pool put from the store; later submits with a handle fail. Idempotent. */
  @Override
  public void close() {
    shares.close();
  }

  StoredShares shares() {
    return shares;
  }
}

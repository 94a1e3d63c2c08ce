package dev.parallelizable.spi;

/**
 * Where a remote pool keeps the data of the {@link dev.parallelizable.SharedData} handles its tasks
 * receive, so that a handle's bytes cross once per worker rather than with every task: the caller
 * puts them once ({@link SharedDataPublisher}), each worker gets them the first time a task needs
 * them and keeps them ({@link SharedDataReceiver}). A cluster pool implements it with a distributed
 * map.
 *
 * <p>Implementations must be thread-safe.
 */
public interface SharedDataStore {
  /**
   * In the caller: keeps {@code bytes} under {@code key}, for the workers to get. Called once per
   * handle and pool, in the thread that submits the first task with the handle.
   *
   * @param key a key unique to the pool and handle
   * @param bytes the handle's elements in native byte order; the store may keep the array
   */
  void put(String key, byte[] bytes);

  /**
   * In the caller: forgets {@code key}, because the handle or the pool was closed. May be called
   * for a key the store no longer holds.
   *
   * @param key a key given to {@link #put}
   */
  void remove(String key);

  /**
   * On a worker: the bytes kept under {@code key}.
   *
   * @param key the key a task's reference names; may be anything (a corrupt or forged reference)
   * @return the bytes, or null if the store holds nothing under {@code key}
   */
  byte[] get(String key);
}

package dev.parallelizable.internal.shared;

import dev.parallelizable.SharedData;
import dev.parallelizable.SharedData.ElementType;
import dev.parallelizable.spi.SharedDataStore;
import java.io.InvalidObjectException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A remote worker's side of shared data (a cluster member): resolves the references the codec
 * reads (form 2 of the SHARED tag) by getting the bytes from the {@link SharedDataStore} the first
 * time a key is seen, and gives every later task with the same key the same {@link SharedData}
 * object, until {@link #forget} drops it (the caller removed the key: the handle or its pool was
 * closed).
 *
 * <p>A reference is accepted only if the store holds its key, and the bytes there are exactly
 * {@code length} elements of its type; a second reference to a key already received must agree
 * with the first. Anything else fails the value with an {@link InvalidObjectException} that says
 * why: only that task fails.
 *
 * <p>Thread-safe: the cache is a concurrent map of futures; of tasks that receive a new key at once,
 * one gets it from the store and the others wait for it.
 */
public final class ReceivedShares {
  private final SharedDataStore store;
  private final Map<String, CompletableFuture<SharedData>> received = new ConcurrentHashMap<>();
  private final AtomicLong fetches = new AtomicLong();

  /** @param store where the caller put the bytes */
  public ReceivedShares(SharedDataStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /**
   * The handle a reference stands for, got from the store on first use.
   *
   * @throws InvalidObjectException if the reference is rejected (see above)
   */
  public SharedData handle(long id, ElementType type, int length, String key) throws InvalidObjectException {
    if (length < 0) {
      throw new InvalidObjectException(
          "Rejected a shared-data reference: #" + id + " (" + key + ") claims " + length + " elements");
    }
    CompletableFuture<SharedData> mine = new CompletableFuture<>();
    CompletableFuture<SharedData> known = received.putIfAbsent(key, mine);
    if (known == null) {
      try {
        mine.complete(fetch(id, type, length, key));
      } catch (InvalidObjectException | RuntimeException e) {
        received.remove(key, mine); // a later task tries again
        mine.completeExceptionally(e);
        throw e;
      }
      known = mine;
    }
    SharedData data;
    try {
      data = known.join();
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      throw (InvalidObjectException) new InvalidObjectException(e.getCause() == null ? e.toString()
          : e.getCause().getMessage()).initCause(e.getCause());
    }
    if (SharedAccess.idOf(data) != id || data.elementType() != type || data.length() != length) {
      throw new InvalidObjectException(
          "Rejected a shared-data reference: #" + id + " as " + length + " " + type + " elements under " + key
              + " conflicts with " + data + ", received under that key before");
    }
    return data;
  }

  /** Gets the bytes of {@code key} from the store: the one transfer of this worker for that key. */
  private SharedData fetch(long id, ElementType type, int length, String key) throws InvalidObjectException {
    byte[] bytes;
    try {
      bytes = store.get(key);
    } catch (RuntimeException e) {
      throw (InvalidObjectException) new InvalidObjectException(
          "Shared data #" + id + " could not be got from the pool's store under " + key + ": " + e).initCause(e);
    }
    fetches.incrementAndGet();
    if (bytes == null) {
      throw new InvalidObjectException(
          "Shared data #" + id + " is gone: the pool's store holds nothing under " + key + ". It was closed"
              + " (SharedData.close(), or its pool) before this task ran; close shared data once the tasks"
              + " that read it are done");
    }
    if ((long) length * type.size() != bytes.length) {
      throw new InvalidObjectException(
          "Rejected a shared-data reference: #" + id + " claims " + length + " " + type + " elements, but the"
              + " store holds " + bytes.length + " bytes under " + key);
    }
    return SharedAccess.receivedHandle(id, type, length, ByteBuffer.wrap(bytes).asReadOnlyBuffer());
  }

  /** Drops the handle received under {@code key}, if any: its tasks keep reading what they hold. */
  public void forget(String key) {
    received.remove(key);
  }

  /** How many times a key was got from the store: once per key, however many tasks. */
  public long fetches() {
    return fetches.get();
  }

  /** How many handles this worker holds. */
  public int size() {
    return received.size();
  }
}

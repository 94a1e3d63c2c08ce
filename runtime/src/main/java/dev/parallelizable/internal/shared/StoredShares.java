package dev.parallelizable.internal.shared;

import dev.parallelizable.SharedData;
import dev.parallelizable.spi.SharedDataStore;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The caller's side of a remote pool's shared data (a cluster pool): puts the bytes of each {@link
 * SharedData} handle into the pool's {@link SharedDataStore} once, under the key {@code
 * <prefix><id>}, the first time the handle is passed to the pool; the codec then writes a reference
 * to that key (form 2 of the SHARED tag of {@code SerializationCodec}). The key is removed from the
 * store when the handle is closed ({@link #release}) or when the pool closes ({@link #close}).
 *
 * <p>Thread-safe: the maps and {@code closed} are accessed only under this object's lock; a
 * handle's bytes are put under it too, once.
 */
public final class StoredShares implements SharedOwner {
  private final SharedDataStore store;
  private final String prefix;
  private final Map<Long, String> keys = new HashMap<>();
  private final Map<Long, SharedData> handles = new HashMap<>();
  private final AtomicLong puts = new AtomicLong();
  private boolean closed;

  /**
   * @param store where the bytes go
   * @param prefix the start of every key, unique to the pool in the store (e.g. a random UUID)
   */
  public StoredShares(SharedDataStore store, String prefix) {
    this.store = Objects.requireNonNull(store, "store");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
  }

  /**
   * The key of {@code data} in the store, its bytes put there if this pool has not put them yet.
   *
   * @throws IllegalStateException if the handle or the pool is closed
   */
  public synchronized String reference(SharedData data) {
    if (closed) {
      throw new IllegalStateException("The pool is closed: " + data + " cannot be shared through it");
    }
    long id = SharedAccess.idOf(data);
    String key = keys.get(id);
    if (key != null) {
      return key;
    }
    if (!SharedAccess.attach(data, this)) {
      throw new IllegalStateException(data + " was closed: create a new SharedData to pass the data again");
    }
    ByteBuffer bytes = ByteBuffer.allocate((int) data.byteSize()).order(ByteOrder.nativeOrder());
    SharedAccess.copyTo(data, bytes);
    key = prefix + id;
    try {
      store.put(key, bytes.array());
    } catch (RuntimeException e) {
      SharedAccess.detach(data, this);
      throw e;
    }
    puts.incrementAndGet();
    keys.put(id, key);
    handles.put(id, data);
    return key;
  }

  /** How many handles' bytes were put into the store: once per handle, however many tasks. */
  public long puts() {
    return puts.get();
  }

  @Override
  public void release(long id) {
    String key;
    synchronized (this) {
      handles.remove(id);
      key = keys.remove(id);
    }
    if (key != null) {
      removeQuietly(key);
    }
  }

  /** Removes every key of this pool from the store; later references fail. Idempotent. */
  public void close() {
    List<String> toRemove;
    List<SharedData> attached;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toRemove = new ArrayList<>(keys.values());
      attached = new ArrayList<>(handles.values());
      keys.clear();
      handles.clear();
    }
    for (SharedData data : attached) {
      SharedAccess.detach(data, this);
    }
    for (String key : toRemove) {
      removeQuietly(key);
    }
  }

  private void removeQuietly(String key) {
    try {
      store.remove(key);
    } catch (RuntimeException e) {
      // the store is gone (the cluster shut down): nothing is left to remove
    }
  }
}

package dev.parallelizable.internal.shared;

import dev.parallelizable.SharedData;
import dev.parallelizable.SharedData.ElementType;
import java.nio.ByteBuffer;

/**
 * The runtime's access to the insides of {@link SharedData}, which keeps them out of its public
 * API: {@code SharedData} installs the one instance when its class is initialized. Thread-safe.
 */
public abstract class SharedAccess {
  private static volatile SharedAccess instance;

  /** Installs the instance; called once, by {@code SharedData}. */
  public static void install(SharedAccess access) {
    instance = access;
  }

  private static SharedAccess get() {
    SharedAccess access = instance;
    if (access == null) {
      try {
        Class.forName(SharedData.class.getName(), true, SharedData.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
      access = instance;
    }
    return access;
  }

  protected abstract long doId(SharedData data);

  protected abstract Object doArray(SharedData data);

  protected abstract boolean doAttach(SharedData data, SharedOwner owner);

  protected abstract void doDetach(SharedData data, SharedOwner owner);

  protected abstract SharedData doReceived(long id, ElementType type, int length, ByteBuffer readOnlyBytes);

  protected abstract ByteBuffer doReceived(SharedData data);

  protected abstract long doNextId();

  protected abstract java.nio.file.Path doFile(SharedData data);

  protected abstract long doFileOffset(SharedData data);

  /** The file of a handle over a region of a file, where it was created; null for any other. */
  public static java.nio.file.Path fileOf(SharedData data) {
    return get().doFile(data);
  }

  /** Where the region of {@link #fileOf} starts, in bytes. */
  public static long fileOffsetOf(SharedData data) {
    return get().doFileOffset(data);
  }

  /** The handle's id, unique in the JVM that created it. */
  public static long idOf(SharedData data) {
    return get().doId(data);
  }

  /** The caller's array, where the handle was created; null where it was received. */
  public static Object arrayOf(SharedData data) {
    return get().doArray(data);
  }

  /** Records that {@code owner} holds a file of {@code data}; false if the handle is closed. */
  public static boolean attach(SharedData data, SharedOwner owner) {
    return get().doAttach(data, owner);
  }

  /** Forgets {@code owner}, which deleted its file of {@code data}. */
  public static void detach(SharedData data, SharedOwner owner) {
    get().doDetach(data, owner);
  }

  /** A handle over received bytes: read-only, native byte order, exactly the data. */
  public static SharedData receivedHandle(long id, ElementType type, int length, ByteBuffer readOnlyBytes) {
    return get().doReceived(id, type, length, readOnlyBytes);
  }

  /** A new id, from the same sequence as the handles' (for arrays shared automatically). */
  public static long nextId() {
    return get().doNextId();
  }

  /** Puts all the handle's elements into {@code target}, in native byte order. */
  public static void copyTo(SharedData data, ByteBuffer target) {
    Object array = arrayOf(data);
    if (array != null) {
      ArrayBytes.put(array, data.elementType(), 0, data.length(), target);
    } else {
      target.put(get().doReceived(data).duplicate());
    }
  }
}

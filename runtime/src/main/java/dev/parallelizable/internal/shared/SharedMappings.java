package dev.parallelizable.internal.shared;

import dev.parallelizable.SharedData;
import dev.parallelizable.SharedData.ElementType;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.lang.ref.SoftReference;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A worker's side of its pool's shared data: resolves the references the codec reads to read-only
 * mappings of the files in the pool's directory (see {@link SharedFiles}), each file mapped once and
 * kept until the handle is closed ({@link #releaseClosed()}), and the same {@link SharedData} object
 * given to every task that receives the same handle.
 *
 * <p>A reference is accepted only if it names the file {@code d<id>} directly in the pool's
 * directory (no other path, no symbolic link), its element type is known, its length is not
 * negative, and the bytes it claims lie within the file; a second reference to an id already mapped
 * must agree with the first. Anything else fails the value with an {@link InvalidObjectException}
 * that says why: only that task fails.
 *
 * <p>A reference may also name a pointer file {@code f<id>} of the pool's directory (a handle over
 * a region of the caller's own file): the worker reads the file's path and the region from it,
 * checks that the region is the one the reference claims and lies within that file, and maps it.
 * Only the parent can write in the directory (mode 0700), so only files it named are mapped.
 *
 * <p>An array reference gives each task an array with the mapped contents: the one the worker gave
 * the previous task for it when a comparison shows that no task changed it, else a new copy.
 *
 * <p>Thread-safe: the mappings are accessed only under this object's lock.
 */
public final class SharedMappings {
  /** The most bytes a pointer file may hold: two numbers and a path. */
  private static final int MAX_POINTER_BYTES = 8192;

  private final Path directory;
  private final Map<Long, Mapping> mappings = new HashMap<>();

  private record Mapping(
      Path file, ElementType type, int length, long offset, ByteBuffer bytes, SharedData handle, Reuse reuse) {}

  /**
   * The array last given to a task for an array reference, kept softly (the collector may take it
   * when the heap runs short); accessed only under the lock of the enclosing {@code SharedMappings}.
   */
  private static final class Reuse {
    SoftReference<Object> array;
  }

  /** @param directory the pool's directory, from the worker's command line */
  public SharedMappings(Path directory) {
    this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
  }

  /** The pool's directory. */
  public Path directory() {
    return directory;
  }

  /**
   * The handle a reference stands for, mapped on first use.
   *
   * @throws InvalidObjectException if the reference is rejected (see above)
   * @throws IOException if the file cannot be mapped
   */
  public SharedData handle(long id, ElementType type, int length, String file, long offset) throws IOException {
    return map(id, type, length, file, offset).handle;
  }

  /**
   * An array with the elements a reference stands for: the array given to the previous task for
   * the same reference if its contents still equal the mapping's (a task may have written into
   * it; comparing costs a fraction of allocating and copying a new one), else a new copy.
   */
  public synchronized Object array(long id, ElementType type, int length, String file, long offset)
      throws IOException {
    Mapping mapping = map(id, type, length, file, offset);
    Object last = mapping.reuse.array == null ? null : mapping.reuse.array.get();
    if (last != null && ArrayBytes.sameContents(last, type, mapping.bytes)) {
      return last;
    }
    Object fresh = ArrayBytes.read(mapping.bytes, type, length);
    mapping.reuse.array = new SoftReference<>(fresh);
    return fresh;
  }

  private synchronized Mapping map(long id, ElementType type, int length, String file, long offset)
      throws IOException {
    if (length < 0 || offset < 0) {
      throw new InvalidObjectException(
          "Rejected a shared-data reference: #" + id + " claims " + length + " elements at offset " + offset);
    }
    Path path = checkedPath(id, file);
    Mapping known = mappings.get(id);
    if (known != null) {
      if (!known.file.equals(path) || known.type != type || known.length != length || known.offset != offset) {
        throw new InvalidObjectException(
            "Rejected a shared-data reference: #" + id + " as " + length + " " + type + " elements of " + file
                + " at " + offset + " conflicts with the mapping made for it before, " + known.length + " "
                + known.type + " elements of " + known.file + " at " + known.offset);
      }
      return known;
    }
    long bytes = (long) length * type.size();
    Path target = path;
    long at = offset;
    java.util.Set<java.nio.file.OpenOption> options = java.util.Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    if (path.getFileName().toString().startsWith(SharedFiles.POINTER_PREFIX)) {
      Pointer pointer = readPointer(id, path);
      if (offset != 0 || pointer.bytes != bytes) {
        throw new InvalidObjectException(
            "Rejected a shared-data reference: #" + id + " claims " + bytes + " bytes at " + offset + " of "
                + path + ", which names " + pointer.bytes + " bytes at 0");
      }
      target = pointer.file;
      at = pointer.offset;
      options = java.util.Set.of(StandardOpenOption.READ); // the caller's file, named by the parent in its private directory
    }
    MappedByteBuffer mapped;
    try (FileChannel channel = FileChannel.open(target, options)) {
      long size = channel.size();
      if (at > size || bytes > size - at) {
        throw new InvalidObjectException(
            "Rejected a shared-data reference: #" + id + " claims bytes [" + at + ", " + (at + bytes)
                + ") of " + target + ", which holds " + size + " bytes");
      }
      mapped = channel.map(FileChannel.MapMode.READ_ONLY, at, bytes);
    } catch (NoSuchFileException e) {
      throw gone(id, target);
    }
    ByteBuffer readOnly = mapped.asReadOnlyBuffer();
    Mapping mapping =
        new Mapping(
            path, type, length, offset, readOnly, SharedAccess.receivedHandle(id, type, length, readOnly), new Reuse());
    mappings.put(id, mapping);
    return mapping;
  }

  /** A pointer file's contents: the caller's file and the region of it a handle stands for. */
  private record Pointer(Path file, long offset, long bytes) {}

  private Pointer readPointer(long id, Path pointer) throws IOException {
    String text;
    try (java.io.InputStream in = Files.newInputStream(pointer, LinkOption.NOFOLLOW_LINKS)) {
      byte[] head = in.readNBytes(MAX_POINTER_BYTES + 1);
      if (head.length > MAX_POINTER_BYTES) {
        throw new InvalidObjectException("Rejected a shared-data reference: #" + id + ": " + pointer + " is too long");
      }
      text = new String(head, java.nio.charset.StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw gone(id, pointer);
    }
    String[] parts = text.split("\n", 3);
    try {
      Path file = Path.of(parts[2]);
      long offset = Long.parseLong(parts[0]);
      long bytes = Long.parseLong(parts[1]);
      if (!file.isAbsolute() || offset < 0 || bytes < 0) {
        throw new IllegalArgumentException("not an absolute path and a region");
      }
      return new Pointer(file, offset, bytes);
    } catch (RuntimeException e) {
      throw new InvalidObjectException(
          "Rejected a shared-data reference: #" + id + ": " + pointer + " does not name a file and a region");
    }
  }

  private static InvalidObjectException gone(long id, Path path) {
    return new InvalidObjectException(
        "Shared data #" + id + " is gone: " + path + " no longer exists. It was closed (SharedData.close(),"
            + " or its pool) before this task ran; close shared data once the tasks that read it are done");
  }

  private Path checkedPath(long id, String file) throws InvalidObjectException {
    String expected = SharedFiles.FILE_PREFIX + id;
    String pointer = SharedFiles.POINTER_PREFIX + id;
    Path path;
    try {
      path = Path.of(file);
    } catch (RuntimeException e) {
      path = null;
    }
    if (path == null || !path.isAbsolute() || !path.normalize().equals(path)
        || !directory.equals(path.getParent())
        || !(expected.equals(path.getFileName().toString()) || pointer.equals(path.getFileName().toString()))) {
      throw new InvalidObjectException(
          "Rejected a shared-data reference to " + file + ": shared data #" + id + " is read only from "
              + directory.resolve(expected) + ", the file of that id in this pool's directory");
    }
    return path;
  }

  /**
   * Drops the mappings of handles whose file in the pool's directory is gone (the parent deletes it
   * when the handle is closed), so that their memory is given back once no task holds them: a
   * mapping otherwise keeps a deleted file's bytes for as long as the worker lives. A task that refers
   * to such a handle afterwards fails as one sent after the close does ({@link #handle}).
   *
   * @return the bytes of the mappings dropped; 0 if none was
   */
  public synchronized long releaseClosed() {
    long released = 0;
    for (java.util.Iterator<Mapping> it = mappings.values().iterator(); it.hasNext(); ) {
      Mapping mapping = it.next();
      if (Files.notExists(mapping.file, LinkOption.NOFOLLOW_LINKS)) {
        it.remove();
        released += mapping.bytes.capacity();
      }
    }
    return released;
  }

  /** Deletes the pool's directory: the parent is gone and cannot. */
  public void deleteDirectory() {
    SharedFiles.deleteDirectory(directory);
  }
}

package dev.parallelizable.internal.cache;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * The entries of a result cache on disk: one file per entry, written atomically, checked when read,
 * evicted least recently used first.
 *
 * <pre>
 * layout   directory/ab/abcdef...(64 hex digits: the key hash).entry
 * entry    magic:int32 "PLZC"  version:int16 (1)  kind:int8 (0 value, 1 failure)  reserved:int8
 *          keyHash:32 bytes  method:(length:int16 UTF-8)  fingerprint:(length:int16 UTF-8)
 *          payloadLength:int32  checksum:int32 (CRC32C of every byte before it, then the payload)
 *          payload
 * </pre>
 *
 * <p><b>Writing.</b> An entry is written to a temporary file beside its final name, forced to disk,
 * then moved over the final name atomically. A reader therefore sees the old file or the new one,
 * whole, never a torn one, whatever number of threads and processes write the same key: the last
 * move wins, and every candidate is a complete, equivalent entry.
 *
 * <p><b>Reading.</b> An entry whose length, magic, version, key hash or checksum is wrong (a file
 * truncated or garbled by something other than this store, or written by another format version) is
 * a miss: it is deleted, and the next store of its key writes a good one.
 *
 * <p><b>Recency and eviction.</b> A hit sets the file's modification time to now (strictly
 * increasing within this store, so that two accesses in one clock tick keep their order). When the
 * bytes this store knows of exceed the limit, it lists the directory and deletes the least recently
 * used entries until the rest fit. Deleting is safe while others read: a reader that opened the file
 * reads it whole; one that comes after misses. Several processes may evict at once; each only
 * deletes whole entries. The limit is enforced by the process that writes, so the directory may
 * exceed it briefly while other processes write.
 *
 * <p>Thread-safe. Eviction runs under this store's lock; reads and writes take no lock.
 */
final class EntryStore {
  static final String SUFFIX = ".entry";
  private static final String TEMP_SUFFIX = ".tmp";
  private static final int MAGIC = 0x504C5A43; // "PLZC"
  private static final short VERSION = 1;
  static final int KEY_BYTES = 32;
  /** Temporary files older than this are left by writers that died and are deleted by eviction. */
  private static final long STALE_TEMP_MILLIS = 3_600_000;

  private final Path directory;
  private final long maxBytes;
  /** The bytes this store believes the directory holds: listed at the last scan, plus writes since. */
  private final AtomicLong knownBytes = new AtomicLong();
  /** The last modification time this store set, so that times it sets strictly increase. */
  private final AtomicLong lastStamp = new AtomicLong();
  private final AtomicLong evictions = new AtomicLong();
  private final AtomicLong corrupt = new AtomicLong();

  /** A verified entry read back. */
  record Entry(boolean failure, String method, String fingerprint, byte[] payload) {}

  /** What {@link #list()} finds about one entry without reading its payload. */
  record Listing(String method, String fingerprint, long bytes) {}

  EntryStore(Path directory, long maxBytes) {
    this.directory = directory;
    this.maxBytes = maxBytes;
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot create the cache directory " + directory + ": " + e.getMessage()
              + "; pass a directory this process can create and write",
          e);
    }
    if (!Files.isWritable(directory)) {
      throw new IllegalArgumentException(
          "The cache directory " + directory + " is not writable; pass a directory this process can write");
    }
    knownBytes.set(scan().stream().mapToLong(Scanned::bytes).sum());
  }

  Path directory() {
    return directory;
  }

  long evictions() {
    return evictions.get();
  }

  long corrupt() {
    return corrupt.get();
  }

  /**
   * The entry of {@code keyHash}, or null if there is none or it is corrupt (then it is deleted).
   * A hit marks the entry as just used.
   */
  Entry read(byte[] keyHash) {
    Path file = file(keyHash);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      return null;
    }
    Entry entry = parse(bytes, keyHash);
    if (entry == null) {
      corrupt.incrementAndGet();
      delete(file);
      return null;
    }
    try {
      Files.setLastModifiedTime(file, FileTime.fromMillis(stamp()));
    } catch (IOException e) {
      // evicted or replaced since the read: the entry read is still whole and valid
    }
    return entry;
  }

  /** Drops the entry of {@code keyHash}, for an entry that reads back but cannot be decoded. */
  void drop(byte[] keyHash) {
    corrupt.incrementAndGet();
    delete(file(keyHash));
  }

  /**
   * Writes the entry of {@code keyHash} atomically, replacing any other, then evicts if the store
   * is over its limit.
   *
   * @throws IOException if the entry cannot be written; nothing is left behind
   */
  void write(byte[] keyHash, boolean failure, String method, String fingerprint, byte[] payload)
      throws IOException {
    byte[] entry = format(keyHash, failure, method, fingerprint, payload);
    Path file = file(keyHash);
    Files.createDirectories(file.getParent());
    Path temp =
        file.resolveSibling(
            file.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + TEMP_SUFFIX);
    try {
      try (FileChannel channel =
          FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(entry);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      Files.setLastModifiedTime(temp, FileTime.fromMillis(stamp()));
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException(
            "The file system of " + directory + " cannot replace a file atomically; put the cache on a"
                + " local file system",
            e);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    if (knownBytes.addAndGet(entry.length) > maxBytes) {
      evict();
    }
  }

  /** Deletes least recently used entries until the rest fit in the limit. */
  synchronized void evict() {
    List<Scanned> entries = scan();
    long total = entries.stream().mapToLong(Scanned::bytes).sum();
    entries.sort(Comparator.comparing(Scanned::lastUsed).thenComparing(s -> s.file().toString()));
    for (Scanned entry : entries) {
      if (total <= maxBytes) {
        break;
      }
      if (delete(entry.file())) {
        evictions.incrementAndGet();
      }
      total -= entry.bytes();
    }
    knownBytes.set(total);
  }

  /** Deletes every entry (and every temporary file) under the directory. */
  synchronized void clear() {
    for (Path subdirectory : subdirectories()) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(subdirectory)) {
        for (Path file : files) {
          String name = file.getFileName().toString();
          if (name.endsWith(SUFFIX) || name.endsWith(TEMP_SUFFIX)) {
            delete(file);
          }
        }
      } catch (IOException e) {
        // removed by another process meanwhile
      }
    }
    knownBytes.set(0);
  }

  /** Every entry's method, fingerprint and size, reading only headers. */
  List<Listing> list() {
    List<Listing> listings = new ArrayList<>();
    for (Scanned entry : scan()) {
      try (InputStream in = Files.newInputStream(entry.file())) {
        Listing listing = parseHeader(ByteBuffer.wrap(in.readNBytes(4096)), entry.bytes());
        if (listing != null) {
          listings.add(listing);
        }
      } catch (IOException e) {
        // evicted meanwhile
      }
    }
    return listings;
  }

  private record Scanned(Path file, long bytes, FileTime lastUsed) {}

  /** The entries on disk; deletes temporary files that writers which died left behind. */
  private List<Scanned> scan() {
    List<Scanned> entries = new ArrayList<>();
    long staleBefore = System.currentTimeMillis() - STALE_TEMP_MILLIS;
    for (Path subdirectory : subdirectories()) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(subdirectory)) {
        for (Path file : files) {
          String name = file.getFileName().toString();
          try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (name.endsWith(SUFFIX)) {
              entries.add(new Scanned(file, attributes.size(), attributes.lastModifiedTime()));
            } else if (name.endsWith(TEMP_SUFFIX)
                && attributes.lastModifiedTime().toMillis() < staleBefore) {
              delete(file);
            }
          } catch (IOException e) {
            // deleted meanwhile
          }
        }
      } catch (IOException e) {
        // removed by another process meanwhile
      }
    }
    return entries;
  }

  private List<Path> subdirectories() {
    List<Path> subdirectories = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(directory, Files::isDirectory)) {
      children.forEach(subdirectories::add);
    } catch (IOException e) {
      // the directory was removed: nothing is stored
    }
    return subdirectories;
  }

  private Path file(byte[] keyHash) {
    String hex = HexFormat.of().formatHex(keyHash);
    return directory.resolve(hex.substring(0, 2)).resolve(hex + SUFFIX);
  }

  private long stamp() {
    long now = System.currentTimeMillis();
    return lastStamp.updateAndGet(last -> Math.max(now, last + 1));
  }

  private static boolean delete(Path file) {
    try {
      return Files.deleteIfExists(file);
    } catch (IOException e) {
      return false;
    }
  }

  static byte[] format(
      byte[] keyHash, boolean failure, String method, String fingerprint, byte[] payload) {
    byte[] methodBytes = method.getBytes(StandardCharsets.UTF_8);
    byte[] fingerprintBytes = fingerprint.getBytes(StandardCharsets.UTF_8);
    int headerLength = 4 + 2 + 1 + 1 + KEY_BYTES + 2 + methodBytes.length + 2 + fingerprintBytes.length + 4;
    ByteBuffer buffer = ByteBuffer.allocate(headerLength + 4 + payload.length);
    buffer.putInt(MAGIC).putShort(VERSION).put((byte) (failure ? 1 : 0)).put((byte) 0);
    buffer.put(keyHash);
    buffer.putShort((short) methodBytes.length).put(methodBytes);
    buffer.putShort((short) fingerprintBytes.length).put(fingerprintBytes);
    buffer.putInt(payload.length);
    CRC32C checksum = new CRC32C();
    checksum.update(buffer.array(), 0, headerLength);
    checksum.update(payload);
    buffer.putInt((int) checksum.getValue());
    buffer.put(payload);
    return buffer.array();
  }

  /** The entry in {@code bytes}, or null if it is not a whole, intact entry of {@code keyHash}. */
  static Entry parse(byte[] bytes, byte[] keyHash) {
    try {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      if (buffer.getInt() != MAGIC || buffer.getShort() != VERSION) {
        return null;
      }
      byte kind = buffer.get();
      buffer.get();
      byte[] storedKey = new byte[KEY_BYTES];
      buffer.get(storedKey);
      if (!java.util.Arrays.equals(storedKey, keyHash) || kind > 1 || kind < 0) {
        return null;
      }
      String method = string(buffer);
      String fingerprint = string(buffer);
      int payloadLength = buffer.getInt();
      int headerLength = buffer.position();
      int checksum = buffer.getInt();
      if (payloadLength < 0 || buffer.remaining() != payloadLength) {
        return null;
      }
      CRC32C expected = new CRC32C();
      expected.update(bytes, 0, headerLength);
      expected.update(bytes, headerLength + 4, payloadLength);
      if ((int) expected.getValue() != checksum) {
        return null;
      }
      byte[] payload = new byte[payloadLength];
      buffer.get(payload);
      return new Entry(kind == 1, method, fingerprint, payload);
    } catch (RuntimeException truncated) {
      return null;
    }
  }

  private static Listing parseHeader(ByteBuffer buffer, long fileBytes) {
    try {
      if (buffer.getInt() != MAGIC || buffer.getShort() != VERSION) {
        return null;
      }
      buffer.position(buffer.position() + 2 + KEY_BYTES);
      String method = string(buffer);
      String fingerprint = string(buffer);
      return new Listing(method, fingerprint, fileBytes);
    } catch (RuntimeException truncated) {
      return null;
    }
  }

  private static String string(ByteBuffer buffer) {
    byte[] bytes = new byte[Short.toUnsignedInt(buffer.getShort())];
    buffer.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}

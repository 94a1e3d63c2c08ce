package dev.parallelizable.internal.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The entries of a result cache on disk: one file per entry, written atomically, checked when read,
 * evicted least recently used first.
 *
 * <pre>
 * layout   directory/ab/abcdef...(64 hex digits: the key hash).entry
 *          directory/ab/abcdef...(64 hex digits).entry.(1 to 16 hex digits).tmp while it is written
 * entry    magic:int32 "PLZC"  version:int16 (1)  kind:int8 (0 value, 1 failure)  reserved:int8
 *          keyHash:32 bytes  method:(length:int16 UTF-8)  fingerprint:(length:int16 UTF-8)
 *          payloadLength:int32  checksum:int32 (CRC32C of every byte before it, then the payload)
 *          payload
 * </pre>
 *
 * <p><b>What is this store's.</b> The directory is resolved once, when the store is opened (a link
 * naming it is followed then). Inside it, the store only reads, counts, evicts and deletes regular
 * files with the names above, in real subdirectories named by two hex digits that start their
 * names. It never follows a symbolic link inside the directory: attributes are read without
 * following links, and anything else (links, FIFOs, devices, other names) is left alone: such a
 * thing at an entry's name is a miss, and the next store of that key moves a new entry over it
 * (replacing a link, never what it points at; a directory there makes it fail). A subdirectory that
 * is not a real directory makes stores of its keys fail.
 *
 * <p><b>Writing.</b> An entry is written to a temporary file beside its final name, forced to disk,
 * then moved over the final name atomically. A reader therefore sees the old file or the new one,
 * whole, never a torn one, whatever number of threads and processes write the same key: the last
 * move wins, and every candidate is a complete, equivalent entry.
 *
 * <p><b>Reading.</b> A file is checked to be a regular file before it is opened, so that a FIFO
 * never blocks a read (Java has no open that cannot block, so one swapped in between the check and
 * the open still would), and opened without following links. It is read with a bound: its header
 * first, then only the length the header declares, if that is the file's size and within the
 * limit. An entry whose length, magic, version, key hash or checksum is wrong (a file truncated,
 * grown or garbled by something other than this store, or written by another format version) is a
 * miss: it is deleted, and the next store of its key writes a good one. A whole entry larger than
 * the limit (another store's, with a larger one) is a miss too, and is kept.
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
  private static final Pattern SUBDIRECTORY_NAME = Pattern.compile("[0-9a-f]{2}");
  private static final Pattern ENTRY_NAME = Pattern.compile("[0-9a-f]{64}\\.entry");
  private static final Pattern TEMP_NAME = Pattern.compile("[0-9a-f]{64}\\.entry\\.[0-9a-f]{1,16}\\.tmp");
  private static final int MAGIC = 0x504C5A43; // "PLZC"
  private static final short VERSION = 1;
  static final int KEY_BYTES = 32;
  /** The longest header: two strings of the longest length an int16 can give. */
  static final int MAX_HEADER_BYTES = 4 + 2 + 1 + 1 + KEY_BYTES + 2 * (2 + 0xFFFF) + 4 + 4;
  /** The longest byte array a JVM allocates. */
  private static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;
  /** Temporary files older than this are left by writers that died and are deleted by eviction. */
  private static final long STALE_TEMP_MILLIS = 3_600_000;

  private final Path directory;
  private final long maxBytes;
  /** The largest entry read: larger ones cannot be kept by this store, or held in an array. */
  private final long maxEntryBytes;
  /** The bytes this store believes the directory holds: listed at the last scan, plus writes since. */
  private final AtomicLong knownBytes = new AtomicLong();
  /** The last modification time this store set, so that times it sets strictly increase. */
  private final AtomicLong lastStamp = new AtomicLong();
  private final AtomicLong evictions = new AtomicLong();
  private final AtomicLong corrupt = new AtomicLong();

  /** A verified entry read back. */
  record Entry(boolean failure, String method, String fingerprint, byte[] payload) {}

  /** What {@link #readEntry} finds in a whole entry it does not read: a miss, but not corrupt. */
  private static final Entry LARGER_THAN_THE_LIMIT = new Entry(false, "", "", new byte[0]);

  /** What {@link #list()} finds about one entry without reading its payload. */
  record Listing(String method, String fingerprint, long bytes) {}

  EntryStore(Path directory, long maxBytes) {
    this.directory = openDirectory(directory);
    this.maxBytes = maxBytes;
    this.maxEntryBytes = Math.min(maxBytes, MAX_ARRAY_BYTES);
    knownBytes.set(scan().stream().mapToLong(Scanned::bytes).sum());
  }

  /** Creates {@code directory} if missing and resolves it, links included, once and for all. */
  private static Path openDirectory(Path directory) {
    Path real;
    try {
      Files.createDirectories(directory);
      real = directory.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot create the cache directory " + directory + ": " + e.getMessage()
              + "; pass a directory this process can create and write",
          e);
    }
    if (!Files.isWritable(real)) {
      throw new IllegalArgumentException(
          "The cache directory " + directory + " is not writable; pass a directory this process can write");
    }
    return real;
  }

  /** The directory, as resolved when the store was opened. */
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
   * The entry of {@code keyHash}, or null if there is none, it is not a regular file of this store,
   * it is whole but larger than the limit, or it is corrupt (then it is deleted). A hit marks the
   * entry as just used. Never opens a file that is not a regular one, and reads no more than the
   * entry's header declares.
   */
  Entry read(byte[] keyHash) {
    Path file = file(keyHash);
    // Checked before it is opened: opening a FIFO would block until something writes to it.
    if (!isOwnFile(file)) {
      return null;
    }
    Entry entry;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      entry = readEntry(channel, keyHash);
    } catch (IOException e) {
      // deleted, or replaced by a link, since it was checked
      return null;
    }
    if (entry == null) {
      corrupt.incrementAndGet();
      deleteOwn(file);
      return null;
    }
    if (entry == LARGER_THAN_THE_LIMIT) {
      return null;
    }
    try {
      Files.getFileAttributeView(file, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setTimes(FileTime.fromMillis(stamp()), null, null);
    } catch (IOException e) {
      // evicted or replaced since the read: the entry read is still whole and valid
    }
    return entry;
  }

  /**
   * The entry in {@code channel}: null if it is not a whole, intact entry of {@code keyHash}, {@link
   * #LARGER_THAN_THE_LIMIT} if it is whole but larger than this store reads. Reads the header, and
   * allocates only if the size it declares is the file's and within the limit.
   */
  private Entry readEntry(FileChannel channel, byte[] keyHash) throws IOException {
    long size = channel.size();
    ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, MAX_HEADER_BYTES));
    if (!readFully(channel, head) || declaredLength(head.flip()) != size) {
      return null;
    }
    if (size > maxEntryBytes) {
      return LARGER_THAN_THE_LIMIT;
    }
    byte[] bytes = new byte[(int) size];
    head.rewind().get(bytes, 0, head.limit());
    if (!readFully(channel, ByteBuffer.wrap(bytes, head.limit(), bytes.length - head.limit()))) {
      return null;
    }
    return parse(bytes, keyHash);
  }

  /** Fills {@code buffer} from the channel's position; false if the file ends first. */
  private static boolean readFully(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        return false;
      }
    }
    return true;
  }

  /** Drops the entry of {@code keyHash}, for an entry that reads back but cannot be decoded. */
  void drop(byte[] keyHash) {
    corrupt.incrementAndGet();
    deleteOwn(file(keyHash));
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
    createSubdirectory(file.getParent());
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
      Files.getFileAttributeView(temp, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setTimes(FileTime.fromMillis(stamp()), null, null);
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

  /** Creates {@code subdirectory} if missing; refuses one that is a link or another file. */
  private void createSubdirectory(Path subdirectory) throws IOException {
    if (Files.isDirectory(subdirectory, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.createDirectories(directory); // if it was removed meanwhile
    try {
      Files.createDirectory(subdirectory);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(subdirectory, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(
            subdirectory + " is not a directory of the cache but a link or another file; remove it so"
                + " that the cache can store the entries it holds",
            e);
      }
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
      if (deleteOwn(entry.file())) {
        evictions.incrementAndGet();
      }
      total -= entry.bytes();
    }
    knownBytes.set(total);
  }

  /** Deletes every entry (and every temporary file) of this store. */
  synchronized void clear() {
    for (Path subdirectory : subdirectories()) {
      String prefix = subdirectory.getFileName().toString();
      try (DirectoryStream<Path> files = Files.newDirectoryStream(subdirectory)) {
        for (Path file : files) {
          String name = file.getFileName().toString();
          if (isOwnName(prefix, name, ENTRY_NAME) || isOwnName(prefix, name, TEMP_NAME)) {
            deleteOwn(file);
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
      try (FileChannel channel =
          FileChannel.open(entry.file(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
        ByteBuffer head = ByteBuffer.allocate((int) Math.min(entry.bytes(), MAX_HEADER_BYTES));
        readFully(channel, head);
        Listing listing = parseHeader(head.flip(), entry.bytes());
        if (listing != null) {
          listings.add(listing);
        }
      } catch (IOException e) {
        // evicted, or replaced by a link, meanwhile
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
      String prefix = subdirectory.getFileName().toString();
      try (DirectoryStream<Path> files = Files.newDirectoryStream(subdirectory)) {
        for (Path file : files) {
          String name = file.getFileName().toString();
          boolean entry = isOwnName(prefix, name, ENTRY_NAME);
          if (!entry && !isOwnName(prefix, name, TEMP_NAME)) {
            continue;
          }
          BasicFileAttributes attributes = regularFile(file);
          if (attributes == null) {
            continue;
          }
          if (entry) {
            entries.add(new Scanned(file, attributes.size(), attributes.lastModifiedTime()));
          } else if (attributes.lastModifiedTime().toMillis() < staleBefore) {
            deleteOwn(file);
          }
        }
      } catch (IOException e) {
        // removed by another process meanwhile
      }
    }
    return entries;
  }

  /** The real subdirectories named as this store names them; never a link to one. */
  private List<Path> subdirectories() {
    List<Path> subdirectories = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(directory)) {
      for (Path child : children) {
        if (SUBDIRECTORY_NAME.matcher(child.getFileName().toString()).matches()
            && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
          subdirectories.add(child);
        }
      }
    } catch (IOException e) {
      // the directory was removed: nothing is stored
    }
    return subdirectories;
  }

  /** Whether {@code name}, in the subdirectory {@code prefix}, is one this store gives its files. */
  private static boolean isOwnName(String prefix, String name, Pattern pattern) {
    return name.startsWith(prefix) && pattern.matcher(name).matches();
  }

  /**
   * Whether {@code file}, one of this store's names, is a regular file in a real subdirectory; not
   * if it is missing, a link, a FIFO, a device or a directory, or if its subdirectory is a link.
   */
  private static boolean isOwnFile(Path file) {
    return Files.isDirectory(file.getParent(), LinkOption.NOFOLLOW_LINKS) && regularFile(file) != null;
  }

  /** The attributes of {@code file} if it is a regular file (links not followed), else null. */
  private static BasicFileAttributes regularFile(Path file) {
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return attributes.isRegularFile() ? attributes : null;
    } catch (IOException e) {
      // deleted meanwhile
      return null;
    }
  }

  private Path file(byte[] keyHash) {
    String hex = HexFormat.of().formatHex(keyHash);
    return directory.resolve(hex.substring(0, 2)).resolve(hex + SUFFIX);
  }

  private long stamp() {
    long now = System.currentTimeMillis();
    return lastStamp.updateAndGet(last -> Math.max(now, last + 1));
  }

  /**
   * Deletes {@code file}, one of this store's names, if it is a regular file in a real
   * subdirectory: never a link (nor what it points at), a FIFO, a device or a directory.
   */
  private static boolean deleteOwn(Path file) {
    if (!isOwnFile(file)) {
      return false;
    }
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

  /**
   * The length of the whole entry whose header starts {@code head}, or -1 if {@code head} does not
   * start with a header of this format.
   */
  static long declaredLength(ByteBuffer head) {
    try {
      ByteBuffer buffer = head.duplicate();
      if (buffer.getInt() != MAGIC || buffer.getShort() != VERSION) {
        return -1;
      }
      buffer.position(buffer.position() + 2 + KEY_BYTES);
      skipString(buffer);
      skipString(buffer);
      int payloadLength = buffer.getInt();
      return payloadLength < 0 ? -1 : buffer.position() + 4L + payloadLength;
    } catch (RuntimeException truncated) {
      return -1;
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

  private static void skipString(ByteBuffer buffer) {
    int length = Short.toUnsignedInt(buffer.getShort());
    buffer.position(buffer.position() + length);
  }

  private static String string(ByteBuffer buffer) {
    byte[] bytes = new byte[Short.toUnsignedInt(buffer.getShort())];
    buffer.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}

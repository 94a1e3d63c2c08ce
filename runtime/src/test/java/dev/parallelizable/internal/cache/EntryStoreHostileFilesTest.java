package dev.parallelizable.internal.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.parallelizable.ResultCache;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entries that something other than the store replaced by a FIFO, a link or a huge file, or deleted
 * while they are read: each is a miss, quickly, without an exception, and the next store replaces it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EntryStoreHostileFilesTest {
  private static final byte[] KEY = key(7);
  private static final byte[] PAYLOAD = "a stored value".getBytes(StandardCharsets.UTF_8);
  private static final long THREE_GIGABYTES = 3L << 30;
  private static final long GROWN_BYTES = 3L << 29;
  private static final long GROWN_LIMIT = 8L << 30;

  @TempDir Path temp;
  private Path directory;
  /** A folder of the user's, outside the cache. */
  private Path elsewhere;

  @BeforeEach
  void folders() throws IOException {
    directory = temp.resolve("cache");
    elsewhere = Files.createDirectory(temp.resolve("elsewhere"));
  }

  @Test
  void anEntryReplacedByAFifoIsAMissWithoutBlocking() throws Exception {
    EntryStore store = storeWithOneEntry(1 << 20);
    Path file = entryFile();
    Files.delete(file);
    mkfifo(file);

    ExecutorService reader = Executors.newSingleThreadExecutor();
    try {
      Future<EntryStore.Entry> read = reader.submit(() -> store.read(KEY));
      try {
        assertNull(read.get(10, TimeUnit.SECONDS));
      } catch (TimeoutException blocked) {
        // Opening a FIFO for reading and writing never blocks; closing it lets the reader go.
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE).close();
        fail("reading an entry replaced by a FIFO blocked");
      }
    } finally {
      reader.shutdownNow();
    }
    assertTrue(Files.exists(file, LinkOption.NOFOLLOW_LINKS), "the FIFO is not the store's to delete");
    assertEquals(0, store.corrupt());

    store.write(KEY, false, "m", "", PAYLOAD);
    assertTrue(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS), "the store replaced it");
    assertArrayEquals(PAYLOAD, store.read(KEY).payload());
  }

  @Test
  void anEntryLinkedToDevZeroIsAMiss() throws IOException {
    Path zero = Path.of("/dev/zero");
    assumeTrue(Files.exists(zero), "this system has no /dev/zero");
    EntryStore store = storeWithOneEntry(1 << 20);
    Path file = entryFile();
    Files.delete(file);
    Files.createSymbolicLink(file, zero);

    assertNull(store.read(KEY));
    assertTrue(Files.isSymbolicLink(file), "a link is not the store's to delete");

    store.write(KEY, false, "m", "", PAYLOAD);
    assertTrue(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS), "the store replaced the link");
    assertArrayEquals(PAYLOAD, store.read(KEY).payload());
  }

  @Test
  void anEntryLinkedToAnotherFileIsNeitherReadNorTouched() throws IOException {
    EntryStore store = storeWithOneEntry(1 << 20);
    Path file = entryFile();
    // A whole, valid entry of this key, but elsewhere: reading it would follow the link.
    Path usersFile = Files.move(file, elsewhere.resolve("kept.entry"));
    FileTime modified = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(usersFile, modified);
    Files.createSymbolicLink(file, usersFile);

    assertNull(store.read(KEY));
    assertEquals(modified, Files.getLastModifiedTime(usersFile), "not marked as used");
    assertTrue(Files.exists(usersFile));
  }

  @Test
  void anEntryInALinkedSubdirectoryIsAMissAndStoresRefuseToWriteThere() throws IOException {
    EntryStore store = storeWithOneEntry(1 << 20);
    Path subdirectory = entryFile().getParent();
    Path usersFolder = Files.move(subdirectory, elsewhere.resolve("folder"));
    Files.createSymbolicLink(subdirectory, usersFolder);
    List<Path> before = list(usersFolder);

    assertNull(store.read(KEY));
    IOException refused = assertThrows(IOException.class, () -> store.write(KEY, false, "m", "", PAYLOAD));
    assertTrue(refused.getMessage().contains(subdirectory + " is not a directory of the cache"), refused.getMessage());
    assertTrue(refused.getMessage().contains("remove it"), refused.getMessage());
    assertEquals(before, list(usersFolder), "nothing written in the linked folder");
  }

  @Test
  void anEntryGrownFarBeyondWhatItsHeaderSaysIsAMissWithoutReadingItEvenInASmallHeap() throws Exception {
    storeWithOneEntry(GROWN_LIMIT);
    Path file = entryFile();
    grow(file, GROWN_BYTES);

    // Within the limit and within what an array holds, so only its header tells that it is wrong.
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                ReadInASmallHeap.class.getName(),
                directory.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child JVM ended");
    assertEquals("miss, 1 corrupt", output);
    assertEquals(0, child.exitValue());

    assertFalse(Files.exists(file), "a corrupt entry of the store's own is deleted");
    EntryStore store = new EntryStore(directory, GROWN_LIMIT);
    store.write(KEY, false, "m", "", PAYLOAD);
    assertArrayEquals(PAYLOAD, store.read(KEY).payload());
  }

  /** Reads {@link #KEY} from the store in the directory of the first argument, in a small heap. */
  static final class ReadInASmallHeap {
    public static void main(String[] arguments) {
      EntryStore store = new EntryStore(Path.of(arguments[0]), GROWN_LIMIT);
      EntryStore.Entry entry = store.read(KEY);
      System.out.println((entry == null ? "miss" : "hit") + ", " + store.corrupt() + " corrupt");
    }
  }

  @Test
  void anEntryGrownToThreeGigabytesIsAMissWithoutReadingIt() throws IOException {
    EntryStore store = storeWithOneEntry(ResultCache.DEFAULT_MAX_BYTES);
    Path file = entryFile();
    grow(file, THREE_GIGABYTES);

    assertNull(store.read(KEY));
    assertEquals(1, store.corrupt());
    assertFalse(Files.exists(file), "a corrupt entry of the store's own is deleted");
    store.write(KEY, false, "m", "", PAYLOAD);
    assertArrayEquals(PAYLOAD, store.read(KEY).payload());
  }

  @Test
  void aWholeEntryLargerThanTheLimitIsAMissAndIsKept() throws IOException {
    byte[] large = new byte[64 << 10];
    new EntryStore(directory, 1 << 20).write(KEY, false, "m", "", large);
    EntryStore small = new EntryStore(directory, 16 << 10);

    assertNull(small.read(KEY));
    assertEquals(0, small.corrupt(), "a whole entry, stored with a larger limit, is not corrupt");
    assertTrue(Files.exists(entryFile()));
    assertArrayEquals(large, new EntryStore(directory, 1 << 20).read(KEY).payload());
  }

  @Test
  void anEntryReplacedByADirectoryIsAMissAndStoresOfItsKeyFail() throws IOException {
    EntryStore store = storeWithOneEntry(1 << 20);
    Path file = entryFile();
    Files.delete(file);
    Files.createDirectory(file);
    Files.writeString(file.resolve("kept.txt"), "the user's");

    assertNull(store.read(KEY));
    assertThrows(IOException.class, () -> store.write(KEY, false, "m", "", PAYLOAD));
    store.clear();
    store.evict();
    assertEquals("the user's", Files.readString(file.resolve("kept.txt")));
    assertEquals(List.of(file.resolve("kept.txt")), list(file), "the failed store left nothing");
  }

  @Test
  void anEntryDeletedOrReplacedWhileItIsReadIsAMissOrAWholeHit() throws Exception {
    EntryStore store = new EntryStore(directory, 1 << 20);
    Path file = entryFile();
    int rounds = 300;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(3);
    try {
      Future<?> writer =
          threads.submit(
              () -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                  try {
                    store.write(KEY, false, "m", "", PAYLOAD);
                  } catch (IOException clearedWhileWritten) {
                    // clear() deleted the temporary file: a store that fails, as the cache counts it
                  }
                  Files.deleteIfExists(file);
                }
                return null;
              });
      Future<?> maintainer =
          threads.submit(
              () -> {
                start.await();
                for (int i = 0; i < rounds / 10; i++) {
                  store.list();
                  store.evict();
                  store.clear();
                }
                return null;
              });
      Future<Integer> reader =
          threads.submit(
              () -> {
                start.await();
                int hits = 0;
                for (int i = 0; i < rounds; i++) {
                  EntryStore.Entry entry = store.read(KEY);
                  if (entry != null) {
                    assertArrayEquals(PAYLOAD, entry.payload());
                    hits++;
                  }
                }
                return hits;
              });
      start.countDown();
      writer.get();
      maintainer.get();
      reader.get();
    } finally {
      threads.shutdownNow();
    }
    assertEquals(0, store.corrupt(), "a whole entry deleted while read is never corrupt");
  }

  private EntryStore storeWithOneEntry(long maxBytes) throws IOException {
    EntryStore store = new EntryStore(directory, maxBytes);
    store.write(KEY, false, "m", "", PAYLOAD);
    assertArrayEquals(PAYLOAD, store.read(KEY).payload());
    return store;
  }

  private Path entryFile() {
    String hex = HexFormat.of().formatHex(KEY);
    return directory.resolve(hex.substring(0, 2)).resolve(hex + EntryStore.SUFFIX);
  }

  /** Grows {@code file} to {@code length} bytes without using the disk: the rest is a hole. */
  private static void grow(Path file, long length) throws IOException {
    try (RandomAccessFile grown = new RandomAccessFile(file.toFile(), "rw")) {
      grown.setLength(length);
    }
  }

  private static void mkfifo(Path file) throws Exception {
    Process mkfifo;
    try {
      mkfifo = new ProcessBuilder("mkfifo", file.toString()).inheritIO().start();
    } catch (IOException missing) {
      assumeTrue(false, "this system has no mkfifo");
      return;
    }
    assertTrue(mkfifo.waitFor(30, TimeUnit.SECONDS), "mkfifo ended");
    assumeTrue(mkfifo.exitValue() == 0, "mkfifo could not make a FIFO here");
  }

  private static List<Path> list(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return new ArrayList<>(files.sorted().toList());
    }
  }

  private static byte[] key(int seed) {
    byte[] key = new byte[EntryStore.KEY_BYTES];
    Arrays.fill(key, (byte) seed);
    return key;
  }
}

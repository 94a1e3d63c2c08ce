package dev.parallelizable.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.ResultCache;
import dev.parallelizable.fixtures.Costly;
import dev.parallelizable.fixtures.CostlyParallel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Symbolic links in a cache's folder, to folders and files of the user's: opening the cache,
 * storing, evicting and clearing never read, count, or delete anything they point at.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResultCacheLinksTest {
  private static final int BLOCK = 2_000;
  private static final int KEYS = 6;
  /** Two hours ago: temporary files older than an hour are a dead writer's, as far as names go. */
  private static final FileTime LONG_AGO = FileTime.fromMillis(System.currentTimeMillis() - 7_200_000);
  private static final String HEX_62 = "0123456789abcdef".repeat(4).substring(0, 62);

  @TempDir Path temp;

  @Test
  void openingTheCacheLeavesTheFilesBehindLinksAlone() throws IOException {
    LinkedFolder folder = linkedFolder();
    Map<String, String> before = snapshot(folder.users());
    ResultCache.builder(folder.directory()).maxBytes(folder.maxBytes()).build();
    assertEquals(before, snapshot(folder.users()), "opening the cache changed the user's files");
  }

  @Test
  void evictionNeitherCountsNorDeletesTheFilesBehindLinks() throws IOException {
    LinkedFolder folder = linkedFolder();
    ResultCache cache = ResultCache.builder(folder.directory()).maxBytes(folder.maxBytes()).build();
    Map<String, String> before = snapshot(folder.users());
    Pool pool = cache.on(Parallel.sequential());
    pool.apply(CostlyParallel.block(0, BLOCK));
    pool.apply(CostlyParallel.block(1, BLOCK));
    assertEquals(0, cache.stats().evictions(), "only the cache's own entries count toward its limit");
    assertEquals(2, cache.inspect().get(0).entries());

    for (int key = 2; key < KEYS; key++) {
      pool.apply(CostlyParallel.block(key, BLOCK));
    }
    assertEquals(KEYS - 3, cache.stats().evictions(), "room for three entries");
    assertEquals(0, cache.stats().storeFailures());
    assertEquals(before, snapshot(folder.users()), "eviction changed the user's files");
    for (int key = KEYS - 3; key < KEYS; key++) {
      assertArrayEquals(Costly.expectedBlock(key, BLOCK), cache.get(CostlyParallel.block(key, BLOCK)).orElseThrow());
    }
    assertLinksRemain(folder);
  }

  @Test
  void clearLeavesTheFilesBehindLinksAlone() throws IOException {
    LinkedFolder folder = linkedFolder();
    ResultCache cache = ResultCache.builder(folder.directory()).maxBytes(folder.maxBytes()).build();
    Map<String, String> before = snapshot(folder.users());
    cache.on(Parallel.sequential()).apply(CostlyParallel.block(0, BLOCK));

    cache.clear();
    assertEquals(List.of(), cache.inspect());
    assertEquals(before, snapshot(folder.users()), "clearing the cache changed the user's files");
    assertLinksRemain(folder);
  }

  /**
   * A cache folder with links to a folder of the user's and to files in it, and room for three
   * entries and a half.
   */
  private record LinkedFolder(Path directory, Path users, List<Path> links, long maxBytes) {}

  private LinkedFolder linkedFolder() throws IOException {
    // Measure an entry and find which subdirectories the keys use, to link two others.
    Path measured = temp.resolve("measured");
    Pool measuring = ResultCache.open(measured).on(Parallel.sequential());
    for (int key = 0; key < KEYS; key++) {
      measuring.apply(CostlyParallel.block(key, BLOCK));
    }
    long entryBytes;
    Set<String> used = new TreeSet<>();
    try (Stream<Path> files = Files.walk(measured)) {
      List<Path> entries = files.filter(f -> f.toString().endsWith(".entry")).toList();
      entryBytes = Files.size(entries.get(0));
      entries.forEach(e -> used.add(e.getParent().getFileName().toString()));
    }
    List<String> free =
        IntStream.range(0, 256).mapToObj(i -> String.format("%02x", i)).filter(p -> !used.contains(p)).toList();
    String linkedFolder = free.get(0);
    String folderWithLinks = free.get(1);

    // A folder of the user's, with files named as the cache names its own, and old.
    Path users = Files.createDirectory(temp.resolve("users"));
    for (String name :
        List.of(
            "draft.tmp",
            "report.entry",
            linkedFolder + HEX_62 + ".entry",
            linkedFolder + HEX_62 + ".entry.1f.tmp")) {
      Files.writeString(users.resolve(name), "the user's " + name);
    }
    // Worth four entries: counted, it would make the cache evict at once.
    Files.write(users.resolve("big.entry"), new byte[(int) (4 * entryBytes)]);
    try (Stream<Path> files = Files.list(users)) {
      for (Path file : files.toList()) {
        Files.setLastModifiedTime(file, LONG_AGO);
      }
    }

    Path directory = Files.createDirectory(temp.resolve("cache"));
    List<Path> links = new ArrayList<>();
    links.add(Files.createSymbolicLink(directory.resolve("notes"), users));
    links.add(Files.createSymbolicLink(directory.resolve(linkedFolder), users));
    Path subdirectory = Files.createDirectory(directory.resolve(folderWithLinks));
    links.add(
        Files.createSymbolicLink(
            subdirectory.resolve(folderWithLinks + HEX_62 + ".entry"), users.resolve("big.entry")));
    links.add(
        Files.createSymbolicLink(
            subdirectory.resolve(folderWithLinks + HEX_62 + ".entry.2a.tmp"), users.resolve("draft.tmp")));
    return new LinkedFolder(directory, users, links, 3 * entryBytes + entryBytes / 2);
  }

  private static void assertLinksRemain(LinkedFolder folder) {
    for (Path link : folder.links()) {
      assertTrue(Files.isSymbolicLink(link), link + " is not the cache's to delete");
    }
  }

  @Test
  void aFolderNamedThroughALinkIsResolvedWhenTheCacheIsOpened() throws IOException {
    Path log = temp.resolve("runs.log");
    Path real = Files.createDirectory(temp.resolve("real"));
    Path link = Files.createSymbolicLink(temp.resolve("link"), real);
    ResultCache cache = ResultCache.open(link);
    assertEquals(real.toRealPath(), cache.directory());
    Pool pool = cache.on(Parallel.sequential());
    assertEquals(9L, pool.apply(CostlyParallel.square(log, 3)));

    // The link now names another folder of the user's: the open cache keeps to the one it resolved.
    Path users = Files.createDirectory(temp.resolve("users"));
    Files.writeString(users.resolve("report.entry"), "the user's");
    Files.delete(link);
    Files.createSymbolicLink(link, users);
    Map<String, String> before = snapshot(users);
    assertEquals(Optional.of(9L), cache.get(CostlyParallel.square(log, 3)));
    assertEquals(16L, pool.apply(CostlyParallel.square(log, 4)));
    cache.clear();
    assertEquals(before, snapshot(users));
    try (Stream<Path> files = Files.walk(real)) {
      assertEquals(List.of(), files.filter(Files::isRegularFile).toList(), "cleared where it was opened");
    }
  }

  /** Every file under {@code folder} (not following links), with its content and time. */
  private static Map<String, String> snapshot(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      return files
          .filter(Files::isRegularFile)
          .collect(
              Collectors.toMap(
                  f -> folder.relativize(f).toString(),
                  ResultCacheLinksTest::describe,
                  (a, b) -> a,
                  TreeMap::new));
    }
  }

  private static String describe(Path file) {
    try {
      return Files.getLastModifiedTime(file) + " " + Arrays.hashCode(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

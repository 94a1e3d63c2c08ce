package dev.parallelizable.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Class-data archives do not pile up: what a training worker deletes, and how a read marks one used. */
class ClassDataArchivesTest {
  private static final long HOUR = 60 * 60_000L;
  private static final long NOW = 1_800_000_000_000L;

  @TempDir Path root;

  @Test
  void aTrainingWorkerDeletesArchivesUnusedForAWeekThenAllButTheLastUsed() throws IOException {
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < WorkerClassData.KEPT_ARCHIVES + 3; i++) {
      String name = "class-data-" + i + ".jsa";
      archive(name, NOW - i * HOUR); // archive 0 used last
      if (i < WorkerClassData.KEPT_ARCHIVES) {
        kept.add(name);
      }
    }
    archive("class-data-unused.jsa", NOW - WorkerClassData.UNUSED_MILLIS - HOUR);
    // What is not an archive stays, however old: a lock, a training file, a warm worker's directory.
    List<String> others = List.of("class-data-4.lock", "class-data-5.1a2b.tmp", "0a1b2c3d4e5f");
    archive(others.get(0), NOW - WorkerClassData.UNUSED_MILLIS * 2);
    archive(others.get(1), NOW - WorkerClassData.UNUSED_MILLIS * 2);
    Files.createDirectory(root.resolve(others.get(2)));

    WorkerClassData.prune(root, NOW);

    TreeSet<String> expected = new TreeSet<>(kept);
    expected.addAll(others);
    assertEquals(expected, names());
  }

  @Test
  void aFewArchivesUsedThisWeekAreAllKept() throws IOException {
    archive("class-data-a.jsa", NOW - WorkerClassData.UNUSED_MILLIS + HOUR);
    archive("class-data-b.jsa", NOW);
    WorkerClassData.prune(root, NOW);
    assertEquals(new TreeSet<>(List.of("class-data-a.jsa", "class-data-b.jsa")), names());
  }

  @Test
  void readingAnArchiveMarksItUsedOnceItsMarkIsAnHourOld() throws IOException {
    Path archive = archive("class-data-read-1.jsa", NOW - WorkerClassData.USE_MARK_MILLIS - 1);
    assertEquals(archive, WorkerClassData.published(root, "class-data-read", NOW));
    assertEquals(NOW, Files.getLastModifiedTime(archive).toMillis(), "marked used");

    long later = NOW + WorkerClassData.USE_MARK_MILLIS / 2;
    assertEquals(archive, WorkerClassData.published(root, "class-data-read", later));
    assertEquals(NOW, Files.getLastModifiedTime(archive).toMillis(), "a recent mark is not written again");
  }

  /**
   * An archive is published with its size in its name: one of another size was truncated (or grown)
   * since, and JDK 17 crashes as it maps a truncated archive. It is deleted unread, as is one whose
   * name holds no size, or that is not a file; archives of other names are left alone.
   */
  @Test
  void anArchiveWhoseSizeIsNotTheOneInItsNameIsDeletedUnread() throws IOException {
    Path truncated = Files.write(root.resolve("class-data-a-10.jsa"), new byte[8]); // published with 16 bytes
    Path unnamedSize = Files.write(root.resolve("class-data-a-zz.jsa"), new byte[1]);
    Path negative = Files.write(root.resolve("class-data-a--1.jsa"), new byte[1]);
    Path directory = Files.createDirectory(root.resolve("class-data-a-0.jsa"));
    Path another = Files.write(root.resolve("class-data-b-1.jsa"), new byte[8]);

    assertNull(WorkerClassData.published(root, "class-data-a", NOW));
    for (Path damaged : List.of(truncated, unnamedSize, negative, directory)) {
      assertFalse(Files.exists(damaged), damaged + " deleted");
    }
    assertTrue(Files.exists(another), "another configuration's archive is not looked at");

    Path whole = Files.write(root.resolve("class-data-a-8.jsa"), new byte[8]);
    assertEquals(whole, WorkerClassData.published(root, "class-data-a", NOW));
    assertTrue(Files.exists(whole));
  }

  @Test
  void noArchiveIsReadWhereNoneWasPublished() {
    assertNull(WorkerClassData.published(root, "class-data-none", NOW));
    assertNull(WorkerClassData.published(root.resolve("missing"), "class-data-none", NOW), "no directory either");
  }

  private Path archive(String name, long modifiedMillis) throws IOException {
    Path file = Files.write(root.resolve(name), new byte[] {1});
    Files.setLastModifiedTime(file, FileTime.fromMillis(modifiedMillis));
    return file;
  }

  private TreeSet<String> names() throws IOException {
    try (Stream<Path> files = Files.list(root)) {
      TreeSet<String> names = new TreeSet<>();
      files.forEach(file -> names.add(file.getFileName().toString()));
      return names;
    }
  }
}

package dev.parallelizable;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.SharedData.ElementType;
import dev.parallelizable.fixtures.SharedReads;
import dev.parallelizable.fixtures.SharedReadsParallel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SharedData#ofFile}: a region of the caller's file, the same bytes on every kind of pool,
 * the file left as it was, and clear messages for a region that cannot be shared.
 */
@Timeout(value = 90, unit = SECONDS)
class SharedFileTest {
  private static final int HEADER = 64;
  private final List<Pool> pools = new ArrayList<>();
  @TempDir Path directory;

  static List<PoolKind> kinds() {
    return PoolKind.all();
  }

  @AfterEach
  void terminatePools() {
    pools.forEach(Pool::terminate);
  }

  /** A file of a 64-byte header, {@code values} in native byte order, and a 3-byte trailer. */
  private Path file(double[] values) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(HEADER + values.length * 8 + 3).order(ByteOrder.nativeOrder());
    for (int i = 0; i < HEADER; i++) {
      bytes.put((byte) 0x7f);
    }
    bytes.asDoubleBuffer().put(values);
    bytes.position(bytes.position() + values.length * 8);
    bytes.put(new byte[] {1, 2, 3});
    Path file = directory.resolve("values.bin");
    Files.write(file, bytes.array());
    return file;
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void everyTaskReadsTheRegionAndTheFileIsLeftAsItWas(PoolKind kind) throws IOException {
    double[] values = SharedDataTest.doubles(50_000, 31);
    Path file = file(values);
    byte[] before = Files.readAllBytes(file);
    long expected = SharedReads.checksum(SharedData.of(values));
    Pool pool = kind.create(2);
    pools.add(pool);
    try (SharedData data = SharedData.ofFile(file, HEADER, values.length * 8L, ElementType.DOUBLE)) {
      assertEquals(values.length, data.length());
      assertEquals(expected, SharedReads.checksum(data), "the caller's view");
      assertEquals(Collections.nCopies(8, expected), pool.map(n -> SharedReadsParallel.checksum(data), SharedDataTest.times(8), 1));
      assertEquals(
          Collections.nCopies(2, "java.nio.ReadOnlyBufferException"),
          pool.map(n -> SharedReadsParallel.tryToWrite(data), SharedDataTest.times(2), 1));
    }
    pool.close();
    assertTrue(Files.isRegularFile(file), "closing the handle and the pool leaves the caller's file");
    assertArrayEquals(before, Files.readAllBytes(file));
  }

  @Test
  void aRegionThatCannotBeSharedIsRefusedSayingWhy() throws IOException {
    Path file = file(new double[10]); // 64 + 80 + 3 = 147 bytes
    String missing =
        assertThrows(IllegalArgumentException.class,
            () -> SharedData.ofFile(directory.resolve("absent.bin"), 0, 8, ElementType.DOUBLE)).getMessage();
    assertTrue(missing.contains("absent.bin") && missing.contains("does not exist"), missing);
    String notFile =
        assertThrows(IllegalArgumentException.class, () -> SharedData.ofFile(directory, 0, 8, ElementType.BYTE))
            .getMessage();
    assertTrue(notFile.contains("not a regular file"), notFile);
    String beyond =
        assertThrows(IllegalArgumentException.class, () -> SharedData.ofFile(file, 64, 88, ElementType.DOUBLE))
            .getMessage();
    assertTrue(beyond.contains("ends at byte 152") && beyond.contains("holds 147 bytes"), beyond);
    String misaligned =
        assertThrows(IllegalArgumentException.class, () -> SharedData.ofFile(file, 4, 8, ElementType.DOUBLE))
            .getMessage();
    assertTrue(misaligned.contains("multiples of 8") && misaligned.contains("DOUBLE"), misaligned);
    String oddLength =
        assertThrows(IllegalArgumentException.class, () -> SharedData.ofFile(file, 0, 6, ElementType.INT))
            .getMessage();
    assertTrue(oddLength.contains("multiples of 4"), oddLength);
    String negative =
        assertThrows(IllegalArgumentException.class, () -> SharedData.ofFile(file, -8, 8, ElementType.BYTE))
            .getMessage();
    assertTrue(negative.contains("must not be negative"), negative);
    String huge =
        assertThrows(IllegalArgumentException.class, () -> SharedData.ofFile(file, 0, 3L << 30, ElementType.BYTE))
            .getMessage();
    assertTrue(huge.contains("at most") && huge.contains("split it"), huge);
    try (SharedData whole = SharedData.ofFile(file, 0, 147, ElementType.BYTE)) {
      assertEquals(147, whole.asByteBuffer().limit());
      assertEquals(3, whole.asByteBuffer().get(146));
    }
  }

  @Test
  @SuppressWarnings("try") // closes the handle early to check what closing deletes
  void aProcessPoolWritesOnlyAPointerAndDeletesIt() throws IOException {
    double[] values = SharedDataTest.doubles(200_000, 37); // 1.6 MB
    Path file = file(values);
    List<Path> before = poolDirectories();
    try (Pool pool = Parallel.processes(1);
        SharedData data = SharedData.ofFile(file, HEADER, values.length * 8L, ElementType.DOUBLE)) {
      pool.apply(SharedReadsParallel.checksum(data));
      List<Path> created = new ArrayList<>(poolDirectories());
      created.removeAll(before);
      assertEquals(1, created.size(), created.toString());
      Path shared = created.get(0);
      try (var files = Files.list(shared)) {
        List<Path> written = files.collect(Collectors.toList());
        assertEquals(1, written.size(), written.toString());
        assertTrue(written.get(0).getFileName().toString().startsWith("f"), written.toString());
        assertTrue(Files.size(written.get(0)) < 4096, "a pointer, not a copy");
      }
      data.close();
      try (var files = Files.list(shared)) {
        assertEquals(0, files.count(), "closing the handle deletes the pointer");
      }
    }
    assertTrue(Files.isRegularFile(file));
  }

  /** The directories of this JVM's process pools. */
  private static List<Path> poolDirectories() throws IOException {
    String prefix = "parallelizable-shared-" + ProcessHandle.current().pid() + "-";
    List<Path> found = new ArrayList<>();
    for (Path root : List.of(Path.of("/dev/shm"), Path.of(System.getProperty("java.io.tmpdir")))) {
      if (Files.isDirectory(root)) {
        try (var entries = Files.list(root)) {
          entries.filter(p -> p.getFileName().toString().startsWith(prefix)).forEach(found::add);
        }
      }
    }
    return found;
  }
}

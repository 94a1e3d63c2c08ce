package dev.parallelizable.internal.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The entry format: every truncation and every single-byte change of an entry reads as no entry. */
class EntryStoreTest {
  private static final byte[] KEY = key(7);
  private static final byte[] PAYLOAD = "a stored value".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  @Test
  void anEntryReadsBackWhole() {
    byte[] entry = EntryStore.format(KEY, true, "com.example.Cubes.cube(int)", "0123456789abcdef", PAYLOAD);
    EntryStore.Entry parsed = EntryStore.parse(entry, KEY);
    assertNotNull(parsed);
    assertTrue(parsed.failure());
    assertEquals("com.example.Cubes.cube(int)", parsed.method());
    assertEquals("0123456789abcdef", parsed.fingerprint());
    assertArrayEquals(PAYLOAD, parsed.payload());
    assertEquals(entry.length, EntryStore.declaredLength(ByteBuffer.wrap(entry)), "the header says its length");
  }

  @Test
  void everyTruncationAndEveryGarbledByteIsNoEntry() {
    byte[] entry = EntryStore.format(KEY, false, "com.example.Cubes.cube(int)", "", PAYLOAD);
    for (int length = 0; length < entry.length; length++) {
      assertNull(EntryStore.parse(Arrays.copyOf(entry, length), KEY), "truncated to " + length);
    }
    assertNull(EntryStore.parse(Arrays.copyOf(entry, entry.length + 1), KEY), "with a byte more");
    for (int i = 0; i < entry.length; i++) {
      byte[] garbled = entry.clone();
      garbled[i] ^= 0x10;
      assertNull(EntryStore.parse(garbled, KEY), "byte " + i + " changed");
    }
    assertNull(EntryStore.parse(entry, key(8)), "another key's entry");
    for (int length = 0; length < entry.length - PAYLOAD.length - 4; length++) {
      assertEquals(-1, EntryStore.declaredLength(ByteBuffer.wrap(entry, 0, length)), "header cut to " + length);
    }
  }

  @Test
  void aCorruptFileIsDeletedAndAStoreReplacesIt(@TempDir Path directory) throws IOException {
    EntryStore store = new EntryStore(directory, 1 << 20);
    store.write(KEY, false, "m", "", PAYLOAD);
    Path file = onlyFile(directory);
    Files.write(file, new byte[] {1, 2, 3});

    assertNull(store.read(KEY));
    assertEquals(1, store.corrupt());
    assertTrue(Files.notExists(file));
    store.write(KEY, false, "m", "", PAYLOAD);
    assertArrayEquals(PAYLOAD, store.read(KEY).payload());
  }

  private static Path onlyFile(Path directory) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).findFirst().orElseThrow();
    }
  }

  private static byte[] key(int seed) {
    byte[] key = new byte[EntryStore.KEY_BYTES];
    Arrays.fill(key, (byte) seed);
    return key;
  }
}

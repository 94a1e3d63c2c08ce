package dev.parallelizable.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a warm worker's key takes from each file of the classpath: a jar's central directory, which
 * holds every entry's CRC-32 and sizes, and of any other file, or a jar this does not read as one,
 * all its bytes. A changed class changes the key either way.
 */
class WarmKeyContentTest {
  @TempDir Path directory;

  private static byte[] jar(String comment, String... entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (int i = 0; i < entries.length; i += 2) {
        ZipEntry entry = new ZipEntry(entries[i]);
        entry.setTime(1_700_000_000_000L); // a rebuild at the same time: only the content differs
        zip.putNextEntry(entry);
        zip.write(entries[i + 1].getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
      if (comment != null) {
        zip.setComment(comment);
      }
    }
    return bytes.toByteArray();
  }

  private String describe(String name, byte[] content) throws IOException {
    Path file = Files.write(directory.resolve(name), content);
    StringBuilder text = new StringBuilder();
    WarmWorkers.describeFile(file, text, true);
    return text.toString();
  }

  @Test
  void aJarIsDescribedByItsCentralDirectory_whichAChangedClassChanges() throws IOException {
    byte[] first = jar(null, "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n", "app/Rebuilt.class", "the first build");
    byte[] next = jar(null, "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n", "app/Rebuilt.class", "the next build!");
    assertEquals(first.length, next.length, "the same size: only the content differs");
    String a = describe("a.jar", first);
    assertTrue(a.startsWith(first.length + " zip "), a);
    assertNotEquals(a, describe("b.jar", next));
    assertEquals(a, describe("c.jar", jar(null, "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n",
        "app/Rebuilt.class", "the first build")), "the same build again");
    String commented = describe("d.jar", jar("built by hand", "app/Rebuilt.class", "the first build"));
    assertTrue(commented.contains(" zip "), "a jar with a comment after its end record: " + commented);
  }

  @Test
  void aFileThatIsNoZipIsDescribedByAllItsBytes() throws IOException {
    byte[] content = new byte[300_000];
    new Random(3).nextBytes(content);
    String whole = describe("native.so", content);
    assertFalse(whole.contains(" zip "), whole);
    assertTrue(whole.startsWith(content.length + " "), whole);
    content[150_000] ^= 1;
    assertNotEquals(whole, describe("native2.so", content));
  }

  /** A jar cut short, one whose end record points elsewhere, one after other data: all their bytes. */
  @Test
  void aJarThisDoesNotReadAsOneIsDescribedByAllItsBytes() throws IOException {
    byte[] jar = jar(null, "app/A.class", "a class of some length", "app/B.class", "another");
    assertTrue(describe("whole.jar", jar).contains(" zip "));

    byte[] cut = Arrays.copyOf(jar, jar.length - 3);
    String described = describe("cut.jar", cut);
    assertFalse(described.contains(" zip "), described);
    assertTrue(described.startsWith(cut.length + " "), described);

    byte[] misplaced = jar.clone();
    int end = jar.length - 22; // the end record, with no comment
    ByteBuffer.wrap(misplaced).order(ByteOrder.LITTLE_ENDIAN).putInt(end + 16, Integer.MAX_VALUE);
    String pointed = describe("misplaced.jar", misplaced);
    assertFalse(pointed.contains(" zip "), pointed);
    misplaced[5] ^= 1; // a byte of an entry, not of the directory
    assertNotEquals(pointed, describe("misplaced2.jar", misplaced));

    byte[] prefixed = new byte[jar.length + 100];
    System.arraycopy(jar, 0, prefixed, 100, jar.length);
    assertFalse(describe("prefixed.jar", prefixed).contains(" zip "));

    assertFalse(describe("tiny.jar", new byte[] {'P', 'K'}).contains(" zip "));
    assertEquals("0 0 1\0", describe("empty.jar", new byte[0]));
  }
}

package dev.parallelizable.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.Codec;
import dev.parallelizable.SharedData;
import dev.parallelizable.internal.shared.SharedFiles;
import dev.parallelizable.internal.shared.SharedMappings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * References to shared data in the default codec: written to the pool's directory and mapped back,
 * and every hostile reference rejected with a message.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SharedReferenceTest {
  /** The codec's tags, as the wire overview of SerializationCodec lists them. */
  private static final int SHARED = 16;
  private static final int SHARED_INLINE = 17;
  private static final int DOUBLE = 4;

  private static final Codec CODEC = Codec.serialization();
  private SharedFiles files;
  private SharedMappings mappings;

  @BeforeEach
  void createPoolDirectory() throws IOException {
    files = SharedFiles.create(1024);
    mappings = new SharedMappings(files.directory());
  }

  @AfterEach
  void closePoolDirectory() {
    files.close();
    assertFalse(Files.exists(files.directory()));
  }

  private byte[] encode(Object value, SharedFiles shared) throws IOException {
    FrameOutput out = new FrameOutput(64);
    out.sharedFiles(shared);
    CODEC.encode(value, out);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    out.copyTo(0, out.length(), bytes::write);
    return bytes.toByteArray();
  }

  private Object decode(byte[] bytes, SharedMappings resolver) throws Exception {
    FrameInput in = new FrameInput(ByteBuffer.wrap(bytes));
    in.sharedMappings(resolver);
    return CODEC.decode(in, getClass().getClassLoader());
  }

  private static byte[] reference(int form, long id, int type, int length, long offset, String file) {
    FrameOutput out = new FrameOutput(64);
    out.writeByte(SHARED);
    out.writeByte(form);
    out.writeLong(id);
    out.writeByte(type);
    out.writeInt(length);
    out.writeLong(offset);
    out.writeString(file);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      out.copyTo(0, out.length(), bytes::write);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return bytes.toByteArray();
  }

  private static long idOf(SharedData data) {
    String text = data.toString(); // SharedData#<id>(...)
    return Long.parseLong(text.substring(text.indexOf('#') + 1, text.indexOf('(')));
  }

  @Test
  void aHandleIsWrittenOnceAndMappedOnceReadOnly() throws Exception {
    double[] values = {1.5, -2.25, Math.PI};
    try (SharedData data = SharedData.of(values)) {
      byte[] first = encode(data, files);
      byte[] second = encode(data, files);
      assertTrue(first.length < 100, "a reference, not the data: " + first.length + " bytes");
      SharedData one = (SharedData) decode(first, mappings);
      SharedData two = (SharedData) decode(second, mappings);
      assertSame(one, two, "one mapping, one handle per id in a worker");
      double[] seen = new double[3];
      one.asDoubleBuffer().get(seen);
      assertArrayEquals(values, seen);
      assertThrows(ReadOnlyBufferException.class, () -> one.asDoubleBuffer().put(0, 9));
      try (var listing = Files.list(files.directory())) {
        assertEquals(1, listing.count());
      }
    }
    try (var listing = Files.list(files.directory())) {
      assertEquals(0, listing.count(), "closing the handle deletes its file");
    }
  }

  @Test
  void anArrayOverTheThresholdDecodesToItsOriginalContents() throws Exception {
    long[] values = new long[1000];
    for (int i = 0; i < values.length; i++) {
      values[i] = i * 7L;
    }
    byte[] encoded = encode(values, files);
    assertTrue(encoded.length < 100, "a reference: " + encoded.length + " bytes");
    long[] first = (long[]) decode(encoded, mappings);
    assertArrayEquals(values, first);
    assertSame(first, decode(encoded, mappings), "unchanged: the same array again");
    first[999] = -1;
    long[] afterAWrite = (long[]) decode(encoded, mappings);
    assertNotSame(first, afterAWrite, "changed by a task: a new copy");
    assertArrayEquals(values, afterAWrite);
    assertEquals(1 + 4 + 8 * 10, encode(new long[10], files).length, "below the threshold: the data");
  }

  @Test
  void withoutAPoolDirectoryAHandleTravelsWithItsData() throws Exception {
    float[] values = {1f, 2f, 3f};
    try (SharedData data = SharedData.of(values)) {
      byte[] encoded = encode(data, null);
      assertEquals(SHARED_INLINE, encoded[0]);
      SharedData copy = (SharedData) decode(encoded, null);
      float[] seen = new float[3];
      copy.asFloatBuffer().get(seen);
      assertArrayEquals(values, seen);
      assertThrows(ReadOnlyBufferException.class, () -> copy.asFloatBuffer().put(0, 9f));
    }
  }

  private void assertRejected(Class<? extends IOException> type, String expected, byte[] bytes) {
    IOException e = assertThrows(type, () -> decode(bytes, mappings));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void hostileReferencesFailWithAMessage() throws Exception {
    SharedData data = SharedData.of(new double[16]);
    encode(data, files);
    long id = idOf(data);
    String file = files.directory().resolve("d" + id).toString();
    assertRejected(InvalidObjectException.class, "Rejected a shared-data reference to /etc/passwd",
        reference(0, id, DOUBLE, 16, 0, "/etc/passwd"));
    assertRejected(InvalidObjectException.class, "is read only from",
        reference(0, id, DOUBLE, 16, 0, files.directory().resolve("../d" + id).toString()));
    assertRejected(InvalidObjectException.class, "is read only from",
        reference(0, id + 1, DOUBLE, 16, 0, file));
    assertRejected(InvalidObjectException.class, "is read only from",
        reference(0, id, DOUBLE, 16, 0, "d" + id));
    assertRejected(InvalidObjectException.class, "which holds 128 bytes",
        reference(0, id, DOUBLE, 17, 0, file));
    assertRejected(InvalidObjectException.class, "which holds 128 bytes",
        reference(1, id, DOUBLE, 1, 128, file));
    assertRejected(InvalidObjectException.class, "claims -1 elements",
        reference(0, id, DOUBLE, -1, 0, file));
    assertRejected(StreamCorruptedException.class, "Unknown element type 9",
        reference(0, id, 9, 16, 0, file));
    assertRejected(StreamCorruptedException.class, "Unknown form 7",
        reference(7, id, DOUBLE, 16, 0, file));
    long unknown = id + 1000;
    assertRejected(InvalidObjectException.class, "Shared data #" + unknown + " is gone",
        reference(0, unknown, DOUBLE, 16, 0, files.directory().resolve("d" + unknown).toString()));
    decode(reference(0, id, DOUBLE, 16, 0, file), mappings);
    assertRejected(InvalidObjectException.class, "conflicts with the mapping made for it before",
        reference(0, id, DOUBLE, 8, 0, file));
    InvalidObjectException outsideAWorker =
        assertThrows(InvalidObjectException.class, () -> decode(reference(0, id, DOUBLE, 16, 0, file), null));
    assertTrue(outsideAWorker.getMessage().contains("valid only in the workers"), outsideAWorker.getMessage());
    data.close();
  }

  @Test
  @SuppressWarnings("try") // closes the handle early to check what closing deletes
  void aFileRegionIsWrittenAsAPointerAndMappedFromTheCallersFile(@TempDir Path temp) throws Exception {
    Path user = temp.resolve("table.bin");
    ByteBuffer content = ByteBuffer.allocate(8 + 4 * 8).order(java.nio.ByteOrder.nativeOrder());
    content.putLong(-1).asDoubleBuffer().put(new double[] {1.5, 2.5, 3.5, 4.5});
    Files.write(user, content.array());
    try (SharedData data = SharedData.ofFile(user, 8, 32, SharedData.ElementType.DOUBLE)) {
      byte[] bytes = encode(data, files);
      long id = idOf(data);
      Path pointer = files.directory().resolve("f" + id);
      assertTrue(Files.isRegularFile(pointer));
      assertFalse(Files.exists(files.directory().resolve("d" + id)), "the region is not copied");
      assertRejected(InvalidObjectException.class, "which names 32 bytes at 0",
          reference(0, id, DOUBLE, 5, 0, pointer.toString()));
      SharedData mapped = (SharedData) decode(bytes, mappings);
      assertEquals(4.5, mapped.asDoubleBuffer().get(3));
      assertRejected(InvalidObjectException.class, "is read only from",
          reference(0, id, DOUBLE, 4, 0, user.toString()));
      // A pointer that names more than the file holds (the file shrank, or the pointer is corrupt).
      Path forged = files.directory().resolve("f" + (id + 500));
      Files.writeString(forged, "0\n4096\n" + user);
      assertRejected(InvalidObjectException.class, "which holds 40 bytes",
          reference(0, id + 500, DOUBLE, 512, 0, forged.toString()));
      Path garbage = files.directory().resolve("f" + (id + 501));
      Files.writeString(garbage, "not a pointer");
      assertRejected(InvalidObjectException.class, "does not name a file and a region",
          reference(0, id + 501, DOUBLE, 1, 0, garbage.toString()));
      data.close();
      assertFalse(Files.exists(pointer), "closing the handle deletes the pointer");
    }
    assertTrue(Files.exists(user), "never the caller's file");
  }

  @Test
  void aReferenceToAClustersStoreIsRejectedOutsideAMember() {
    byte[] stored = reference(2, 5, DOUBLE, 1, 0, "caller/pool/5");
    assertRejected(InvalidObjectException.class, "valid only on the members of the cluster pool", stored);
  }

  @Test
  void anInlineHandleThatClaimsMoreThanItCarriesIsRejected() {
    FrameOutput out = new FrameOutput(32);
    out.writeByte(SHARED_INLINE);
    out.writeLong(1);
    out.writeByte(DOUBLE);
    out.writeInt(1 << 28);
    out.writeLong(0);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    assertRejected(StreamCorruptedException.class, "is claimed, but only 8 bytes", toBytes(out, bytes));
  }

  private static byte[] toBytes(FrameOutput out, ByteArrayOutputStream bytes) {
    try {
      out.copyTo(0, out.length(), bytes::write);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return bytes.toByteArray();
  }

  @Test
  void aClosedHandleCannotBeWritten() {
    SharedData data = SharedData.of(new byte[10]);
    data.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> encode(data, files));
    assertTrue(e.getMessage().contains("was closed"), e.getMessage());
  }
}

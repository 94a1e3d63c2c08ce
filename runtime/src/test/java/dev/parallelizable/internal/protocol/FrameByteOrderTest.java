package dev.parallelizable.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parallelizable.Codec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Frames are little-endian whatever the machine: the bytes a frame holds are fixed here, so that a
 * cluster member of another byte order reads what the caller wrote (encoded chunks cross hosts).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FrameByteOrderTest {
  @Test
  void theOrderIsLittleEndian() {
    assertEquals(ByteOrder.LITTLE_ENDIAN, Protocol.BYTE_ORDER);
  }

  @Test
  void integersAreWrittenLittleEndian() throws IOException {
    FrameOutput out = new FrameOutput(16);
    out.writeShort(0x0102);
    out.writeInt(0x01020304);
    out.writeLong(0x0102030405060708L);
    assertArrayEquals(
        new byte[] {2, 1, 4, 3, 2, 1, 8, 7, 6, 5, 4, 3, 2, 1}, FrameTest.bytesOf(out));
  }

  @Test
  void arraysAreWrittenLittleEndianCopiedOrByReference() throws IOException {
    int[] large = new int[FrameOutput.SHARE_THRESHOLD / 4 + 1]; // added by reference
    Arrays.fill(large, 0x01020304);
    FrameOutput out = new FrameOutput(16);
    out.writeShared(new long[] {0x0102030405060708L}, 8);
    out.writeShared(large, large.length * 4);
    byte[] bytes = FrameTest.bytesOf(out);
    assertArrayEquals(new byte[] {8, 7, 6, 5, 4, 3, 2, 1}, Arrays.copyOfRange(bytes, 0, 8));
    for (int i = 8; i < bytes.length; i += 4) {
      assertArrayEquals(new byte[] {4, 3, 2, 1}, Arrays.copyOfRange(bytes, i, i + 4), "at byte " + i);
    }
  }

  @Test
  void columnsAreWrittenLittleEndian() throws IOException {
    FrameOutput out = new FrameOutput(16);
    Protocol.writeColumn(out, new double[] {Double.longBitsToDouble(0x0102030405060708L)}, 0, 1);
    assertArrayEquals(new byte[] {8, 7, 6, 5, 4, 3, 2, 1}, FrameTest.bytesOf(out));
  }

  @Test
  void littleEndianBytesAreReadAsSuchWhateverTheBuffersOrder() throws Exception {
    byte[] bytes = {4, 3, 2, 1, 8, 7, 6, 5, 4, 3, 2, 1};
    FrameInput in = new FrameInput(ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN));
    assertEquals(0x01020304, in.readInt());
    assertEquals(0x0102030405060708L, in.readLong());

    FrameOutput encoded = new FrameOutput(16);
    Codec.serialization().encode(new long[] {0x0102030405060708L}, encoded);
    byte[] written = FrameTest.bytesOf(encoded);
    FrameInput back = new FrameInput(ByteBuffer.wrap(written).order(ByteOrder.BIG_ENDIAN));
    assertArrayEquals(
        new long[] {0x0102030405060708L},
        (long[]) Codec.serialization().decode(back, getClass().getClassLoader()));
  }
}

package dev.parallelizable.internal.protocol;

import static dev.parallelizable.internal.protocol.FrameTest.bytesOf;
import static dev.parallelizable.internal.protocol.FrameTest.inputOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.internal.Columns;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Primitive columns on the wire: written in bulk, read back, and hostile claims rejected. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ColumnFrameTest {

  @Test
  void everyPrimitiveKindRoundTripsARangeOfRows() throws IOException {
    Object[] columns = {
      new boolean[] {true, false, true, true},
      new byte[] {-1, 2, -3, 4},
      new char[] {'a', 'é', '\uFFFF', 'z'},
      new short[] {-30_000, 1, 2, 30_000},
      new int[] {Integer.MIN_VALUE, -1, 7, Integer.MAX_VALUE},
      new long[] {Long.MIN_VALUE, -1, 7, Long.MAX_VALUE},
      new float[] {-0.5f, Float.NaN, 1e30f, Float.MIN_VALUE},
      new double[] {-0.5, Double.NaN, 1e300, Double.MIN_VALUE},
    };
    for (Object column : columns) {
      FrameOutput out = new FrameOutput(4);
      out.writeInt(99);
      Protocol.writeColumn(out, column, 1, 4);
      out.writeInt(-99);
      FrameInput in = inputOf(bytesOf(out));
      assertEquals(99, in.readInt());
      Object read = Protocol.readColumn(in, Columns.kindOf(column), 3);
      assertEquals(-99, in.readInt(), "the column took exactly its bytes: " + column.getClass());
      for (int i = 0; i < 3; i++) {
        assertEquals(Columns.get(column, i + 1), Columns.get(read, i), column.getClass() + " row " + i);
      }
    }
  }

  @Test
  void aVoidColumnTakesNoBytes() throws IOException {
    FrameOutput out = new FrameOutput(4);
    Protocol.writeColumn(out, null, 0, 5);
    assertEquals(0, out.length());
    assertNull(Protocol.readColumn(inputOf(new byte[0]), Columns.VOID, 5));
  }

  @Test
  void aColumnLongerThanItsFrameIsRejectedBeforeItIsAllocated() {
    byte[] eightBytes = new byte[8];
    for (int claimed : new int[] {3, Integer.MAX_VALUE, Integer.MAX_VALUE / 4 + 1, -1}) {
      StreamCorruptedException error =
          assertThrows(
              StreamCorruptedException.class,
              () -> Protocol.readColumn(inputOf(eightBytes), Columns.INT, claimed));
      assertTrue(error.getMessage().contains(claimed + " elements claimed"), error.getMessage());
    }
    StreamCorruptedException longs =
        assertThrows(
            StreamCorruptedException.class,
            () -> Protocol.readColumn(inputOf(eightBytes), Columns.LONG, 2));
    assertTrue(longs.getMessage().contains("only 8 bytes are left"), longs.getMessage());
  }

  @Test
  void aKindThatIsNotPrimitiveIsRejected() {
    for (byte kind : new byte[] {Columns.REFERENCE, 42, -1}) {
      assertThrows(StreamCorruptedException.class, () -> Protocol.readColumn(inputOf(new byte[64]), kind, 1));
    }
  }

  @Test
  void aLargeRangeOfAColumnIsAddedByReferenceAndReadBackExactly() throws IOException {
    int size = 40_000; // every kind below takes over FrameOutput.SHARE_THRESHOLD bytes
    int[] ints = new int[size];
    long[] longs = new long[size];
    double[] doubles = new double[size];
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      ints[i] = i * 31 - 7;
      longs[i] = (long) i * i * i - 5;
      doubles[i] = i / 3.0;
      bytes[i] = (byte) (i * 13);
    }
    int from = 4_999; // an odd offset into the array: its bytes start mid-way
    int to = 37_001;
    for (Object column : new Object[] {ints, longs, doubles, bytes}) {
      FrameOutput out = new FrameOutput(16);
      out.writeInt(99);
      Protocol.writeColumn(out, column, from, to);
      out.writeInt(-99);
      int width = Columns.width(Columns.kindOf(column));
      assertEquals(8 + (long) (to - from) * width, out.length(), column.getClass().getSimpleName());
      assertTrue(out.position() <= 8, "by reference, not copied into the frame: " + out.position() + " bytes buffered");
      byte[] whole = bytesOf(out);
      FrameInput in = inputOf(whole);
      assertEquals(99, in.readInt());
      Object read = Protocol.readColumn(in, Columns.kindOf(column), to - from);
      assertEquals(-99, in.readInt());
      for (int i = 0; i < to - from; i++) {
        assertEquals(Columns.get(column, from + i), Columns.get(read, i), column.getClass().getSimpleName() + " row " + i);
      }
      // A part of the frame that begins and ends inside elements, as a channel's buffer cuts it.
      ByteArrayOutputStream part = new ByteArrayOutputStream();
      out.copyTo(7, whole.length - 3, part::write);
      assertArrayEquals(Arrays.copyOfRange(whole, 7, whole.length - 3), part.toByteArray());
    }
  }

  @Test
  void aLargeColumnRoundTripsWhole() throws IOException {
    long[] values = new long[1 << 20];
    Arrays.setAll(values, i -> (long) i * i * i);
    FrameOutput out = new FrameOutput(16);
    Protocol.writeColumn(out, values, 0, values.length);
    assertArrayEquals(values, (long[]) Protocol.readColumn(inputOf(bytesOf(out)), Columns.LONG, values.length));
  }
}

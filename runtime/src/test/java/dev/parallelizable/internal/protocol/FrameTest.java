package dev.parallelizable.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.Codec;
import dev.parallelizable.DecodeLimits;
import dev.parallelizable.RemoteException;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The frame layer: what {@link FrameOutput} writes, {@link FrameInput} reads back, or rejects. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FrameTest {
  private static final Codec CODEC = Codec.serialization();

  /** The logical bytes of {@code out}, shared arrays spliced in. */
  static byte[] bytesOf(FrameOutput out) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    out.copyTo(0, out.length(), bytes::write);
    return bytes.toByteArray();
  }

  static FrameInput inputOf(byte[] bytes) {
    return new FrameInput(ByteBuffer.wrap(bytes));
  }

  @Test
  void primitivesAndStringsRoundTrip() throws IOException {
    FrameOutput out = new FrameOutput(4);
    out.writeByte(-7);
    out.writeShort(-30_000);
    out.writeInt(Integer.MIN_VALUE);
    out.writeLong(Long.MAX_VALUE);
    out.writeString(null);
    out.writeString("");
    out.writeString("héllo, wörld \uD83D\uDE00");
    FrameInput in = inputOf(bytesOf(out));
    assertEquals(-7, in.readByte());
    assertEquals(-30_000, in.readShort());
    assertEquals(Integer.MIN_VALUE, in.readInt());
    assertEquals(Long.MAX_VALUE, in.readLong());
    assertNull(in.readString());
    assertEquals("", in.readString());
    assertEquals("héllo, wörld \uD83D\uDE00", in.readString());
    assertEquals(0, in.available());
  }

  @Test
  void sharedArraysAreSplicedInWhereTheyWereAdded() throws IOException {
    byte[] large = new byte[FrameOutput.SHARE_THRESHOLD + 3];
    Arrays.fill(large, (byte) 5);
    FrameOutput out = new FrameOutput(16);
    out.writeInt(1);
    out.writeShared(large);
    out.writeInt(2);
    out.writeShared(new byte[] {9, 9});
    assertEquals(4 + large.length + 4 + 2, out.length());
    FrameInput in = inputOf(bytesOf(out));
    assertEquals(1, in.readInt());
    assertArrayEquals(large, in.readBytes(large.length));
    assertEquals(2, in.readInt());
    assertArrayEquals(new byte[] {9, 9}, in.readBytes(2));
  }

  @Test
  void largePrimitiveArraysAreSplicedInByReferenceAndDecodeToTheirValues() throws Exception {
    int n = FrameOutput.SHARE_THRESHOLD / 4 + 5;
    int[] ints = new int[n];
    long[] longs = new long[n];
    double[] doubles = new double[n];
    for (int i = 0; i < n; i++) {
      ints[i] = i * 31 - 7;
      longs[i] = i * 1_000_003L - (1L << 40);
      doubles[i] = i / 3.0;
    }
    Object[] values = {ints, longs, doubles, new int[] {1, 2}, new long[] {3}, new double[] {4.5}};
    FrameOutput out = new FrameOutput(16);
    for (Object value : values) {
      CODEC.encode(value, out);
    }
    assertTrue(out.position() < 1024, "the large arrays are not copied into the buffer: " + out.position());
    byte[] whole = bytesOf(out);
    assertEquals(out.length(), whole.length);
    // Any split, even inside an element, gives the same bytes.
    for (long split : new long[] {1, 4 * n + 3, whole.length / 2 + 1, whole.length - 5}) {
      ByteArrayOutputStream pieces = new ByteArrayOutputStream();
      out.copyTo(0, split, pieces::write);
      out.copyTo(split, out.length(), pieces::write);
      assertArrayEquals(whole, pieces.toByteArray(), "split at " + split);
    }
    FrameInput in = inputOf(whole);
    for (Object value : values) {
      Object decoded = CODEC.decode(in, getClass().getClassLoader());
      assertTrue(Arrays.deepEquals(new Object[] {value}, new Object[] {decoded}), value.getClass().getSimpleName());
    }
    assertEquals(0, in.available());
  }

  @Test
  void aRewindDropsTheValueAndItsSharedArrays() throws IOException {
    FrameOutput out = new FrameOutput(16);
    out.writeInt(1);
    int mark = out.position();
    out.writeInt(0); // a value starts with its length, as Protocol.writeValue writes it
    out.writeShared(new byte[FrameOutput.SHARE_THRESHOLD]);
    out.writeInt(2);
    out.rewind(mark);
    assertEquals(4, out.length());
    assertArrayEquals(bytesOf(out), Arrays.copyOf(bytesOf(out), 4));
  }

  @Test
  void releaseGivesBackALargeBuffer() throws IOException {
    FrameOutput out = new FrameOutput(16);
    out.write(new byte[1 << 20], 0, 1 << 20);
    out.release(64);
    assertEquals(0, out.length());
    out.writeInt(3);
    assertEquals(3, inputOf(bytesOf(out)).readInt());
  }

  @Test
  void trimGivesBackALargeBufferAndKeepsWhatItHolds() throws IOException {
    FrameOutput out = new FrameOutput(16);
    out.writeInt(7);
    out.write(new byte[1 << 20], 0, 1 << 20);
    out.rewind(4); // a value that could not be encoded, undone
    out.trim(64);
    assertEquals(4, out.length());
    out.writeInt(8);
    FrameInput in = inputOf(bytesOf(out));
    assertEquals(7, in.readInt());
    assertEquals(8, in.readInt());
  }

  @Test
  void valuesRoundTripAndEachIsFramedOnItsOwn() throws Exception {
    FrameOutput out = new FrameOutput(16);
    Protocol.writeValue(out, CODEC, "first");
    Protocol.writeValue(out, CODEC, java.util.List.of(1, 2, 3));
    Protocol.writeValue(out, CODEC, null);
    FrameInput in = inputOf(bytesOf(out));
    assertEquals("first", Protocol.decodeValue(in, CODEC, null));
    assertEquals(java.util.List.of(1, 2, 3), Protocol.decodeValue(in, CODEC, null));
    assertNull(Protocol.decodeValue(in, CODEC, null));
    assertEquals(0, in.available());
  }

  @Test
  void aValueThatCannotBeEncodedLeavesTheOutputAsItWas() throws IOException {
    FrameOutput out = new FrameOutput(16);
    out.writeInt(42);
    assertThrows(java.io.NotSerializableException.class, () -> Protocol.writeValue(out, CODEC, new Object()));
    assertEquals(4, out.length());
  }

  @Test
  void aValueThatFailsToDecodeIsSkippedAndTheFrameGoesOn() throws Exception {
    FrameOutput out = new FrameOutput(16);
    out.writeInt(3);
    out.write(new byte[] {99, 1, 2}, 0, 3); // a value with an unknown tag
    Protocol.writeValue(out, CODEC, "after");
    FrameInput in = inputOf(bytesOf(out));
    DecodeException failure = assertThrows(DecodeException.class, () -> Protocol.decodeValue(in, CODEC, null));
    assertInstanceOf(StreamCorruptedException.class, failure.getCause());
    assertEquals("after", Protocol.decodeValue(in, CODEC, null));
  }

  @Test
  void anErrorThrownByTheCodecIsADecodeFailureOfThatValue() throws Exception {
    Codec throwing =
        new Codec() {
          @Override
          public void encode(Object value, java.io.OutputStream out) throws IOException {
            out.write(1);
          }

          @Override
          public Object decode(java.io.InputStream in, ClassLoader loader) {
            throw new StackOverflowError("deep");
          }
        };
    FrameOutput out = new FrameOutput(16);
    Protocol.writeValue(out, throwing, "x");
    Protocol.writeValue(out, throwing, "y");
    FrameInput in = inputOf(bytesOf(out));
    DecodeException failure = assertThrows(DecodeException.class, () -> Protocol.decodeValue(in, throwing, null));
    assertInstanceOf(StackOverflowError.class, failure.getCause());
    assertThrows(DecodeException.class, () -> Protocol.decodeValue(in, throwing, null));
    assertEquals(0, in.available(), "the input moved past both values");
  }

  private static byte[] sampleFailure() throws IOException {
    FrameOutput out = new FrameOutput(16);
    IllegalStateException failure = new IllegalStateException("outer", new java.io.IOException("inner"));
    Protocol.writeFailure(out, CODEC, failure);
    return bytesOf(out);
  }

  @Test
  void aFailureRoundTripsAsTheOriginalException() throws IOException {
    Throwable read = Protocol.readFailure(inputOf(sampleFailure()), CODEC, null);
    assertInstanceOf(IllegalStateException.class, read);
    assertEquals("outer", read.getMessage());
    assertEquals("inner", read.getCause().getMessage());
  }

  @Test
  void aFailureWhoseOriginalCannotBeDecodedArrivesAsARemoteException() throws IOException {
    Codec refusing =
        new Codec() {
          @Override
          public void encode(Object value, java.io.OutputStream out) throws IOException {
            out.write(0);
          }

          @Override
          public Object decode(java.io.InputStream in, ClassLoader loader) {
            throw new AssertionError("refused");
          }
        };
    FrameOutput out = new FrameOutput(16);
    Protocol.writeFailure(out, refusing, new IllegalStateException("boom"));
    Throwable read = Protocol.readFailure(inputOf(bytesOf(out)), refusing, null);
    RemoteException remote = assertInstanceOf(RemoteException.class, read);
    assertTrue(remote.getMessage().contains("boom"), remote.getMessage());
    assertTrue(
        remote.getSuppressed()[0].getMessage().contains("AssertionError: refused"),
        remote.getSuppressed()[0].getMessage());
  }

  @Test
  void aFailuresThrownTypesAreItsClassAndSuperclassesUpToThrowable() throws IOException {
    FrameOutput out = new FrameOutput(16);
    Protocol.writeThrownTypes(out, new java.io.FileNotFoundException("gone"));
    FrameInput in = inputOf(bytesOf(out));
    assertEquals(
        java.util.List.of("java.io.FileNotFoundException", "java.io.IOException", "java.lang.Exception",
            "java.lang.Throwable"),
        Protocol.readThrownTypes(in));
    assertEquals(0, in.available());
  }

  @Test
  void moreThrownTypesThanTheBoundAreACorruptFrame() throws IOException {
    FrameOutput out = new FrameOutput(16);
    out.writeInt(Protocol.MAX_THROWN_TYPES + 1);
    for (int i = 0; i <= Protocol.MAX_THROWN_TYPES; i++) {
      out.writeString(null);
    }
    assertThrows(StreamCorruptedException.class, () -> Protocol.readThrownTypes(inputOf(bytesOf(out))));
  }

  @Test
  void anEncodedFailuresStructureIsReadWithoutDecodingIt() throws IOException {
    Codec refusing =
        new Codec() {
          @Override
          public void encode(Object value, java.io.OutputStream out) throws IOException {
            CODEC.encode(value, out);
          }

          @Override
          public Object decode(java.io.InputStream in, ClassLoader loader) {
            throw new AssertionError("decoded where it was only read");
          }
        };
    FrameOutput out = new FrameOutput(16);
    Protocol.writeFailure(out, CODEC, new IllegalStateException("outer", new java.io.IOException("inner")));
    FrameInput in = inputOf(bytesOf(out));
    EncodedFailure failure = Protocol.readEncodedFailure(in);
    assertEquals(0, in.available());
    RemoteException structure = failure.structure();
    assertEquals("java.lang.IllegalStateException", structure.remoteClassName());
    assertEquals("java.io.IOException", ((RemoteException) structure.getCause()).remoteClassName());
    assertInstanceOf(IllegalStateException.class, failure.decode(CODEC, null));
    assertInstanceOf(RemoteException.class, failure.decode(refusing, null));
  }

  @Test
  void aTruncatedFailureFailsAtEveryByteBoundary() throws IOException {
    byte[] whole = sampleFailure();
    for (int cut = 0; cut < whole.length; cut++) {
      FrameInput in = inputOf(Arrays.copyOf(whole, cut));
      int at = cut;
      IOException failure =
          assertThrows(IOException.class, () -> Protocol.readFailure(in, CODEC, null), () -> "cut at " + at);
      assertTrue(
          failure instanceof EOFException || failure instanceof StreamCorruptedException,
          () -> "cut at " + at + ": " + failure);
    }
  }

  @Test
  void aTruncatedValueFailsAtEveryByteBoundaryAsABrokenFrame() throws IOException {
    FrameOutput out = new FrameOutput(16);
    Protocol.writeValue(out, CODEC, java.util.Map.of("key", java.util.List.of(1L, 2L)));
    byte[] whole = bytesOf(out);
    for (int cut = 0; cut < whole.length; cut++) {
      FrameInput in = inputOf(Arrays.copyOf(whole, cut));
      int at = cut;
      // the value's length runs past the frame: the frame is broken, not the value
      assertThrows(EOFException.class, () -> Protocol.decodeValue(in, CODEC, null), () -> "cut at " + at);
    }
  }

  @Test
  void corruptLengthsAreRejectedBeforeAnythingIsAllocated() {
    FrameOutput out = new FrameOutput(16);
    out.writeInt(Integer.MAX_VALUE - 8);
    byte[] huge = new byte[4];
    ByteBuffer.wrap(huge).order(java.nio.ByteOrder.nativeOrder()).putInt(Integer.MAX_VALUE - 8);
    assertThrows(EOFException.class, () -> inputOf(huge).readString());
    assertThrows(EOFException.class, () -> inputOf(huge).readBytes(Integer.MAX_VALUE - 8));
    assertThrows(StreamCorruptedException.class, () -> inputOf(huge).readCount(1, "causes"));
    assertThrows(EOFException.class, () -> Protocol.decodeValue(inputOf(huge), CODEC, null));
    assertThrows(StreamCorruptedException.class, () -> Protocol.readFailure(inputOf(huge), CODEC, null));

    byte[] negative = new byte[4];
    ByteBuffer.wrap(negative).order(java.nio.ByteOrder.nativeOrder()).putInt(-5);
    assertThrows(StreamCorruptedException.class, () -> inputOf(negative).readString());
    assertThrows(StreamCorruptedException.class, () -> inputOf(negative).readBytes(-5));
    assertThrows(StreamCorruptedException.class, () -> inputOf(negative).slice(-5));
    assertThrows(StreamCorruptedException.class, () -> inputOf(negative).readCount(1, "causes"));
    assertThrows(StreamCorruptedException.class, () -> Protocol.decodeValue(inputOf(negative), CODEC, null));
  }

  @Test
  void aFailureClaimingManyStackFramesIsRejected() throws IOException {
    FrameOutput out = new FrameOutput(16);
    out.writeInt(1); // one cause
    out.writeString("java.lang.IllegalStateException");
    out.writeString("m");
    out.writeInt(1 << 28); // frames claimed, none sent
    StreamCorruptedException failure =
        assertThrows(StreamCorruptedException.class, () -> Protocol.readFailure(inputOf(bytesOf(out)), CODEC, null));
    assertTrue(failure.getMessage().contains("stack frames"), failure.getMessage());
  }

  @Test
  void theCodecAndItsLimitsTravelToTheWorker() throws Exception {
    DecodeLimits limits = DecodeLimits.defaults().withMaxDepth(77).withMaxCollectionWorkPerObject(1234);
    FrameOutput out = new FrameOutput(16);
    Protocol.writeCodec(out, Codec.serialization(limits));
    Codec read = Protocol.readCodec(inputOf(bytesOf(out)));
    assertEquals(limits, ((SerializationCodec) read).limits());

    FrameOutput defaults = new FrameOutput(16);
    Protocol.writeCodec(defaults, Codec.serialization());
    assertTrue(Protocol.readCodec(inputOf(bytesOf(defaults))) == SerializationCodec.INSTANCE);
  }
}

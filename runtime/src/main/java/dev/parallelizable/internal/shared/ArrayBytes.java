package dev.parallelizable.internal.shared;

import dev.parallelizable.SharedData.ElementType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;

/** Primitive arrays to and from bytes in native byte order, the layout of shared data. Stateless. */
public final class ArrayBytes {
  private static final int CHUNK = 1 << 20;

  private ArrayBytes() {}

  /** The element type of a primitive array the codec shares, or null for any other value. */
  public static ElementType typeOf(Object value) {
    Class<?> type = value.getClass();
    if (type == byte[].class) {
      return ElementType.BYTE;
    } else if (type == int[].class) {
      return ElementType.INT;
    } else if (type == long[].class) {
      return ElementType.LONG;
    } else if (type == float[].class) {
      return ElementType.FLOAT;
    } else if (type == double[].class) {
      return ElementType.DOUBLE;
    }
    return null;
  }

  /** The length of an array of {@code type}. */
  public static int length(Object array, ElementType type) {
    switch (type) {
      case BYTE:
        return ((byte[]) array).length;
      case INT:
        return ((int[]) array).length;
      case LONG:
        return ((long[]) array).length;
      case FLOAT:
        return ((float[]) array).length;
      default:
        return ((double[]) array).length;
    }
  }

  /** Puts elements {@code [from, from + count)} of {@code array} into {@code target}. */
  static void put(Object array, ElementType type, int from, int count, ByteBuffer target) {
    ByteBuffer out = target.order(ByteOrder.nativeOrder());
    int at = out.position();
    switch (type) {
      case BYTE:
        out.put((byte[]) array, from, count);
        return;
      case INT:
        out.asIntBuffer().put((int[]) array, from, count);
        break;
      case LONG:
        out.asLongBuffer().put((long[]) array, from, count);
        break;
      case FLOAT:
        out.asFloatBuffer().put((float[]) array, from, count);
        break;
      default:
        out.asDoubleBuffer().put((double[]) array, from, count);
        break;
    }
    out.position(at + count * type.size());
  }

  /** Writes the whole array to {@code channel}, through a buffer of a megabyte. */
  static void write(Object array, ElementType type, int length, WritableByteChannel channel) throws IOException {
    if (type == ElementType.BYTE) {
      writeFully(ByteBuffer.wrap((byte[]) array), channel);
      return;
    }
    ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.nativeOrder());
    int perChunk = CHUNK / type.size();
    for (int from = 0; from < length; from += perChunk) {
      int count = Math.min(perChunk, length - from);
      chunk.clear();
      put(array, type, from, count, chunk);
      chunk.flip();
      writeFully(chunk, channel);
    }
  }

  private static void writeFully(ByteBuffer buffer, WritableByteChannel channel) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /**
   * Whether {@code array} holds the elements of {@code source} from its position on: bit for bit,
   * except that any two NaNs compare equal.
   */
  static boolean sameContents(Object array, ElementType type, ByteBuffer source) {
    ByteBuffer in = source.duplicate().order(ByteOrder.nativeOrder());
    switch (type) {
      case BYTE:
        return in.equals(ByteBuffer.wrap((byte[]) array));
      case INT:
        return in.asIntBuffer().equals(java.nio.IntBuffer.wrap((int[]) array));
      case LONG:
        return in.asLongBuffer().equals(java.nio.LongBuffer.wrap((long[]) array));
      case FLOAT:
        return in.asFloatBuffer().mismatch(java.nio.FloatBuffer.wrap((float[]) array)) < 0;
      default:
        return in.asDoubleBuffer().mismatch(java.nio.DoubleBuffer.wrap((double[]) array)) < 0;
    }
  }

  /** A new array of {@code length} elements of {@code type}, read from {@code source}'s position. */
  public static Object read(ByteBuffer source, ElementType type, int length) {
    ByteBuffer in = source.duplicate().order(ByteOrder.nativeOrder());
    switch (type) {
      case BYTE:
        {
          byte[] bytes = new byte[length];
          in.get(bytes);
          return bytes;
        }
      case INT:
        {
          int[] ints = new int[length];
          in.asIntBuffer().get(ints);
          return ints;
        }
      case LONG:
        {
          long[] longs = new long[length];
          in.asLongBuffer().get(longs);
          return longs;
        }
      case FLOAT:
        {
          float[] floats = new float[length];
          in.asFloatBuffer().get(floats);
          return floats;
        }
      default:
        {
          double[] doubles = new double[length];
          in.asDoubleBuffer().get(doubles);
          return doubles;
        }
    }
  }
}

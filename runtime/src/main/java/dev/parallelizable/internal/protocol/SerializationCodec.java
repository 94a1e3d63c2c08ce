package dev.parallelizable.internal.protocol;

import dev.parallelizable.Codec;
import dev.parallelizable.DecodeLimits;
import dev.parallelizable.SharedData;
import dev.parallelizable.SharedData.ElementType;
import dev.parallelizable.internal.shared.ArrayBytes;
import dev.parallelizable.internal.shared.SharedAccess;
import dev.parallelizable.internal.shared.SharedFiles;
import dev.parallelizable.internal.shared.SharedMappings;
import dev.parallelizable.internal.shared.ReceivedShares;
import dev.parallelizable.internal.shared.StoredShares;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.InvalidObjectException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Objects;

/**
 * The default {@link Codec} (see {@link Codec#serialization()}).
 *
 * <pre>
 * value := tag:int8 payload
 *   NULL                                  (no payload)
 *   BOOLEAN, BYTE                         int8
 *   SHORT, CHAR                           int16
 *   INT, FLOAT                            int32 (a float as its raw bits)
 *   LONG, DOUBLE                          int64 (a double as its raw bits)
 *   STRING, PATH                          length:int32 UTF-8 bytes (a Path as its string)
 *   BYTES, INTS, LONGS, DOUBLES           count:int32 elements, little-endian
 *   SERIALIZED                            a Java serialization stream
 *   SHARED        form:int8 id:int64 elementType:int8 length:int32 offset:int64 file:string
 *                 a reference to shared data in the pool's directory: form 0 stands for a
 *                 SharedData handle, form 1 for a primitive array shared automatically; form 2
 *                 for a SharedData handle in a remote pool's store, whose key is the string
 *                 (offset 0)
 *   SHARED_INLINE id:int64 elementType:int8 length:int32 elements in native byte order
 *                 a SharedData handle with its data, where there is no pool directory
 *
 * elementType := the ordinal of SharedData.ElementType: 0 byte, 1 int, 2 long, 3 float, 4 double
 * </pre>
 *
 * <p><b>Shared data.</b> When the output belongs to a process pool ({@link
 * FrameOutput#sharedFiles()}), a {@link SharedData} handle, and a {@code byte[]}, {@code int[]},
 * {@code long[]}, {@code float[]} or {@code double[]} of at least the pool's threshold, is written
 * once to a file of the pool's directory and encoded as a SHARED reference (see {@link
 * SharedFiles}); when it belongs to a remote pool with a store ({@link
 * FrameOutput#storedShares()}, a cluster), a handle's bytes are put into the store once and the
 * handle is encoded as a SHARED reference of form 2, which a member resolves through its {@link
 * ReceivedShares}; elsewhere (a plain stream) a handle is encoded as SHARED_INLINE and an array
 * directly. A worker resolves a SHARED reference through its {@link SharedMappings}, which
 * maps the file read-only once and rejects a reference outside the pool's directory, past the end
 * of its file, or contradicting an earlier one; where there is none (the parent, a cluster member)
 * a SHARED reference is rejected. Form 0 decodes to the worker's one {@code SharedData} for that
 * id, form 1 to a new array copied from the mapping.
 *
 * Decoding is bounded by the codec's {@link DecodeLimits}: the direct encodings check each claimed
 * length against the bytes left before they allocate (a length that fits is accepted however large:
 * its bytes are in the frame), a reference to shared data is checked against its file, and
 * serialized values go through a {@link SerialFilter} of their own (see there for what it rejects
 * and why).
 *
 * <p>Thread-safe and immutable; the parent and each worker use their own instance.
 */
public final class SerializationCodec implements Codec {
  /** The instance {@link Codec#serialization()} returns. */
  public static final SerializationCodec INSTANCE = new SerializationCodec();

  private static final byte NULL = 0;
  private static final byte BOOLEAN = 1;
  private static final byte BYTE = 2;
  private static final byte SHORT = 3;
  private static final byte CHAR = 4;
  private static final byte INT = 5;
  private static final byte LONG = 6;
  private static final byte FLOAT = 7;
  private static final byte DOUBLE = 8;
  private static final byte STRING = 9;
  private static final byte BYTES = 10;
  private static final byte INTS = 11;
  private static final byte LONGS = 12;
  private static final byte DOUBLES = 13;
  private static final byte PATH = 14;
  private static final byte SERIALIZED = 15;
  private static final byte SHARED = 16;
  private static final byte SHARED_INLINE = 17;
  private static final byte FORM_HANDLE = 0;
  private static final byte FORM_ARRAY = 1;
  private static final byte FORM_STORED = 2;
  private static final ElementType[] ELEMENT_TYPES = ElementType.values();

  private final DecodeLimits limits;

  /** Created by workers by class name: the default limits. */
  public SerializationCodec() {
    this(DecodeLimits.defaults());
  }

  /** A codec that decodes within {@code limits}. */
  public SerializationCodec(DecodeLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** The limits this codec decodes within. */
  public DecodeLimits limits() {
    return limits;
  }

  @Override
  public void encode(Object value, OutputStream out) throws IOException {
    if (out instanceof FrameOutput frame) {
      encode(value, frame);
    } else {
      FrameOutput frame = new FrameOutput(256);
      encode(value, frame);
      frame.copyTo(0, frame.length(), new StreamSink(out));
    }
  }

  private static void encode(Object value, FrameOutput out) throws IOException {
    if (value == null) {
      out.writeByte(NULL);
      return;
    }
    Class<?> type = value.getClass();
    SharedFiles shared = out.sharedFiles();
    if (shared != null && type.isArray() && writeSharedArray(value, shared, out)) {
      return;
    }
    if (type == String.class) {
      out.writeByte(STRING);
      out.writeString((String) value);
    } else if (type == Integer.class) {
      out.writeByte(INT);
      out.writeInt((Integer) value);
    } else if (type == Long.class) {
      out.writeByte(LONG);
      out.writeLong((Long) value);
    } else if (type == Double.class) {
      out.writeByte(DOUBLE);
      out.writeLong(Double.doubleToRawLongBits((Double) value));
    } else if (type == Boolean.class) {
      out.writeByte(BOOLEAN);
      out.writeByte((Boolean) value ? 1 : 0);
    } else if (type == byte[].class) {
      byte[] bytes = (byte[]) value;
      out.writeByte(BYTES);
      out.writeInt(bytes.length);
      out.writeShared(bytes);
    } else if (type == int[].class) {
      int[] ints = (int[]) value;
      out.writeByte(INTS);
      out.writeInt(ints.length);
      out.writeShared(ints, Math.multiplyExact(ints.length, 4));
    } else if (type == long[].class) {
      long[] longs = (long[]) value;
      out.writeByte(LONGS);
      out.writeInt(longs.length);
      out.writeShared(longs, Math.multiplyExact(longs.length, 8));
    } else if (type == double[].class) {
      double[] doubles = (double[]) value;
      out.writeByte(DOUBLES);
      out.writeInt(doubles.length);
      out.writeShared(doubles, Math.multiplyExact(doubles.length, 8));
    } else if (type == Float.class) {
      out.writeByte(FLOAT);
      out.writeInt(Float.floatToRawIntBits((Float) value));
    } else if (type == Short.class) {
      out.writeByte(SHORT);
      out.writeShort((Short) value);
    } else if (type == Character.class) {
      out.writeByte(CHAR);
      out.writeShort((Character) value);
    } else if (type == Byte.class) {
      out.writeByte(BYTE);
      out.writeByte((Byte) value);
    } else if (value instanceof Path path) {
      out.writeByte(PATH);
      out.writeString(pathString(path));
    } else if (type == SharedData.class) {
      writeSharedData((SharedData) value, shared, out);
    } else {
      out.writeByte(SERIALIZED);
      try (ObjectOutputStream objects = new PathReplacingOutputStream(out)) {
        objects.writeObject(value);
      }
    }
  }

  /** Writes a large primitive array as a reference to its file; false if it is not shared. */
  private static boolean writeSharedArray(Object array, SharedFiles shared, FrameOutput out) throws IOException {
    ElementType elementType = ArrayBytes.typeOf(array);
    if (elementType == null) {
      return false;
    }
    SharedFiles.Written written = shared.referenceArray(array, elementType, ArrayBytes.length(array, elementType));
    if (written == null) {
      return false;
    }
    writeReference(FORM_ARRAY, written, out);
    return true;
  }

  private static void writeSharedData(SharedData data, SharedFiles shared, FrameOutput out) throws IOException {
    if (shared != null) {
      writeReference(FORM_HANDLE, shared.reference(data), out);
      return;
    }
    StoredShares stored = out.storedShares();
    if (stored != null) {
      String key = stored.reference(data);
      out.writeByte(SHARED);
      out.writeByte(FORM_STORED);
      out.writeLong(SharedAccess.idOf(data));
      out.writeByte(data.elementType().ordinal());
      out.writeInt(data.length());
      out.writeLong(0);
      out.writeString(key);
      return;
    }
    out.writeByte(SHARED_INLINE);
    out.writeLong(SharedAccess.idOf(data));
    out.writeByte(data.elementType().ordinal());
    out.writeInt(data.length());
    SharedAccess.copyTo(data, out.claim((int) data.byteSize()));
  }

  private static void writeReference(byte form, SharedFiles.Written written, FrameOutput out) {
    out.writeByte(SHARED);
    out.writeByte(form);
    out.writeLong(written.id());
    out.writeByte(written.type().ordinal());
    out.writeInt(written.length());
    out.writeLong(0);
    out.writeString(written.file().toString());
  }

  private static String pathString(Path path) throws NotSerializableException {
    if (path.getFileSystem() != FileSystems.getDefault()) {
      throw new NotSerializableException(
          "the Path " + path + " belongs to " + path.getFileSystem()
              + ", not the default file system; only default-file-system paths can cross to a worker");
    }
    return path.toString();
  }

  @Override
  public Object decode(InputStream in, ClassLoader loader) throws IOException, ClassNotFoundException {
    FrameInput input =
        in instanceof FrameInput frame ? frame : new FrameInput(ByteBuffer.wrap(in.readAllBytes()));
    if (input.available() > limits.maxBytes()) {
      throw new InvalidObjectException(
          "Rejected by the codec: "
              + Limits.exceeded("bytes", input.available(), "", "MaxBytes", limits.maxBytes()));
    }
    byte tag = input.readByte();
    switch (tag) {
      case NULL:
        return null;
      case BOOLEAN:
        return input.readByte() != 0;
      case BYTE:
        return input.readByte();
      case SHORT:
        return input.readShort();
      case CHAR:
        return (char) input.readShort();
      case INT:
        return input.readInt();
      case LONG:
        return input.readLong();
      case FLOAT:
        return Float.intBitsToFloat(input.readInt());
      case DOUBLE:
        return Double.longBitsToDouble(input.readLong());
      case STRING:
        return input.readString();
      case PATH:
        return Paths.get(input.readString());
      case BYTES:
        return input.readBytes(count(input, 1, "bytes"));
      case INTS:
        {
          int[] ints = new int[count(input, 4, "ints")];
          ByteBuffer buffer = input.buffer();
          buffer.asIntBuffer().get(ints);
          buffer.position(buffer.position() + ints.length * 4);
          return ints;
        }
      case LONGS:
        {
          long[] longs = new long[count(input, 8, "longs")];
          ByteBuffer buffer = input.buffer();
          buffer.asLongBuffer().get(longs);
          buffer.position(buffer.position() + longs.length * 8);
          return longs;
        }
      case DOUBLES:
        {
          double[] doubles = new double[count(input, 8, "doubles")];
          ByteBuffer buffer = input.buffer();
          buffer.asDoubleBuffer().get(doubles);
          buffer.position(buffer.position() + doubles.length * 8);
          return doubles;
        }
      case SERIALIZED:
        return readSerialized(input, loader);
      case SHARED:
        return readShared(input);
      case SHARED_INLINE:
        {
          long id = input.readLong();
          ElementType elementType = elementType(input.readByte());
          int count = count(input, elementType.size(), elementType.name().toLowerCase(java.util.Locale.ROOT) + "s");
          int bytes = count * elementType.size();
          ByteBuffer data = ByteBuffer.allocate(bytes).order(ByteOrder.nativeOrder());
          ByteBuffer buffer = input.buffer();
          data.put(buffer.duplicate().limit(buffer.position() + bytes)).flip();
          buffer.position(buffer.position() + bytes);
          return SharedAccess.receivedHandle(id, elementType, count, data.asReadOnlyBuffer());
        }
      default:
        throw new StreamCorruptedException("Unknown value tag " + tag);
    }
  }

  private Object readShared(FrameInput input) throws IOException {
    byte form = input.readByte();
    long id = input.readLong();
    ElementType elementType = elementType(input.readByte());
    int length = input.readInt();
    long offset = input.readLong();
    String file = input.readString();
    if (form == FORM_STORED) {
      ReceivedShares received = input.receivedShares();
      if (received == null) {
        throw new InvalidObjectException(
            "Rejected a reference to shared data #" + id + " (" + file + "): references to a store are valid"
                + " only on the members of the cluster pool that put it there");
      }
      return received.handle(id, elementType, length, file);
    }
    SharedMappings mappings = input.sharedMappings();
    if (mappings == null) {
      throw new InvalidObjectException(
          "Rejected a reference to shared data #" + id + " (" + file + "): references are valid only in"
              + " the workers of the process pool that wrote them");
    }
    if (form == FORM_HANDLE) {
      return mappings.handle(id, elementType, length, file, offset);
    }
    if (form != FORM_ARRAY) {
      throw new StreamCorruptedException("Unknown form " + form + " of a reference to shared data #" + id);
    }
    return mappings.array(id, elementType, length, file, offset); // checks the length against the file
  }

  private static ElementType elementType(byte ordinal) throws StreamCorruptedException {
    if (ordinal < 0 || ordinal >= ELEMENT_TYPES.length) {
      throw new StreamCorruptedException("Unknown element type " + ordinal + " of shared data");
    }
    return ELEMENT_TYPES[ordinal];
  }

  /**
   * An array's claimed length, checked before the array is allocated: its elements must be in the
   * bytes left, which is all it takes, since then the array costs what the value weighs.
   */
  private static int count(FrameInput input, int elementSize, String what) throws IOException {
    int count = input.readInt();
    if (count < 0 || (long) count * elementSize > input.available()) {
      throw new StreamCorruptedException(
          "An array of " + count + " " + what + " is claimed, but only " + input.available()
              + " bytes of the value are left: the stream is corrupt or forged");
    }
    return count;
  }

  private Object readSerialized(FrameInput input, ClassLoader loader)
      throws IOException, ClassNotFoundException {
    SerialFilter filter = new SerialFilter(limits, input);
    try (ObjectInputStream objects = new LoaderObjectInputStream(input, loader, filter)) {
      return objects.readObject();
    } catch (InvalidClassException e) {
      if (filter.rejection() != null) {
        InvalidObjectException rejected =
            new InvalidObjectException("Rejected by the codec: " + filter.rejection());
        rejected.initCause(e);
        throw rejected;
      }
      throw e;
    }
  }

  /** Stands for a {@link Path} inside a serialized object graph ({@code Path} is not Serializable). */
  private static final class SerializedPath implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String path;

    SerializedPath(String path) {
      this.path = path;
    }
  }

  private static final class PathReplacingOutputStream extends ObjectOutputStream {
    PathReplacingOutputStream(OutputStream out) throws IOException {
      super(out);
      enableReplaceObject(true);
    }

    @Override
    protected Object replaceObject(Object object) throws IOException {
      return object instanceof Path path ? new SerializedPath(pathString(path)) : object;
    }
  }

  /** Resolves classes through the task's class loader and filters what it reads. */
  private static final class LoaderObjectInputStream extends ObjectInputStream {
    private final ClassLoader loader;
    private final SerialFilter filter;

    LoaderObjectInputStream(InputStream in, ClassLoader loader, SerialFilter filter) throws IOException {
      super(in);
      this.loader = loader;
      this.filter = filter;
      setObjectInputFilter(filter);
      enableResolveObject(true);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass description)
        throws IOException, ClassNotFoundException {
      if (loader != null) {
        try {
          return Class.forName(description.getName(), false, loader);
        } catch (ClassNotFoundException e) {
          // primitive types and classes of other loaders: the default lookup below
        }
      }
      return super.resolveClass(description);
    }

    @Override
    protected Object resolveObject(Object object) throws IOException {
      if (object instanceof SerializedPath serialized) {
        return Paths.get(serialized.path);
      }
      filter.completed(object);
      return object;
    }
  }

  /** Copies an encoded value to a plain stream. */
  private static final class StreamSink implements FrameOutput.Sink {
    private final OutputStream out;

    StreamSink(OutputStream out) {
      this.out = out;
    }

    @Override
    public void put(byte[] source, int offset, int length) throws IOException {
      out.write(source, offset, length);
    }
  }

  @Override
  public String toString() {
    return limits.equals(DecodeLimits.defaults()) ? "Codec.serialization()" : "Codec.serialization(" + limits + ")";
  }
}

package dev.parallelizable.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.Codec;
import dev.parallelizable.DecodeLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The default codec: its direct encodings, serialized values, limits and filter. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SerializationCodecTest {
  private static final Codec CODEC = Codec.serialization();

  static byte[] encode(Codec codec, Object value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.encode(value, out);
    return out.toByteArray();
  }

  static Object decode(Codec codec, byte[] bytes) throws Exception {
    return codec.decode(new FrameInput(ByteBuffer.wrap(bytes)), SerializationCodecTest.class.getClassLoader());
  }

  static Object roundTrip(Codec codec, Object value) throws Exception {
    return decode(codec, encode(codec, value));
  }

  @Test
  void directEncodingsRoundTrip() throws Exception {
    Object[] values = {
      null, true, false, (byte) -3, (short) 1234, 'x', 42, -42L, 1.5f, Math.PI, "text", "",
      Path.of("/tmp/some file"), Path.of("relative")
    };
    for (Object value : values) {
      assertEquals(value, roundTrip(CODEC, value), () -> "value " + value);
    }
    assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) roundTrip(CODEC, new byte[] {1, 2, 3}));
    byte[] large = new byte[100_000];
    large[99_999] = 7;
    assertArrayEquals(large, (byte[]) roundTrip(CODEC, large));
    assertArrayEquals(new int[] {1, -2, 3}, (int[]) roundTrip(CODEC, new int[] {1, -2, 3}));
    assertArrayEquals(new long[] {Long.MIN_VALUE, 5}, (long[]) roundTrip(CODEC, new long[] {Long.MIN_VALUE, 5}));
    assertArrayEquals(new double[] {0.5, -1e300}, (double[]) roundTrip(CODEC, new double[] {0.5, -1e300}));
  }

  record Point(int x, int y, Path where) implements Serializable {}

  @Test
  void serializedValuesRoundTripWithPathsInside() throws Exception {
    Map<String, Object> map = new HashMap<>();
    map.put("points", List.of(new Point(1, 2, Path.of("/a")), new Point(3, 4, Path.of("b"))));
    map.put("set", new HashSet<>(List.of(1, 2, 3)));
    map.put("nested", List.of(List.of(List.of("deep"))));
    assertEquals(map, roundTrip(CODEC, map));
    LinkedList<Integer> list = new LinkedList<>();
    for (int i = 0; i < 10_000; i++) {
      list.add(i);
    }
    assertEquals(list, roundTrip(CODEC, list));
  }

  /** A value of {@code tag} followed by the int {@code count}: 5 bytes that claim an array. */
  private static byte[] claim(int tag, int count) {
    return ByteBuffer.allocate(5).order(ByteOrder.nativeOrder()).put((byte) tag).putInt(count).array();
  }

  @ParameterizedTest
  @ValueSource(ints = {9, 10, 11, 12, 13, 14}) // STRING, BYTES, INTS, LONGS, DOUBLES, PATH
  void aClaimedLengthThatDoesNotFitIsRejectedBeforeAllocation(int tag) {
    byte[] stream = Arrays13.pad(claim(tag, (1 << 28) - 1));
    IOException failure = assertThrows(IOException.class, () -> decode(CODEC, stream));
    assertTrue(
        failure instanceof StreamCorruptedException || failure instanceof java.io.EOFException, failure::toString);
    assertThrows(IOException.class, () -> decode(CODEC, claim(tag, -2)));
  }

  /** Pads a claim to the 13 bytes of the classic stream. */
  static final class Arrays13 {
    static byte[] pad(byte[] bytes) {
      return java.util.Arrays.copyOf(bytes, 13);
    }
  }

  @Test
  void aSerializedArrayClaimingNearlyTwoToTheTwentyEightElementsIsRejectedBeforeAllocation() throws Exception {
    byte[] stream = encode(CODEC, new long[][] {new long[0]}); // serialized: long[][] is not direct
    byte[] forged = forgeInnerArrayLength(stream, (1 << 28) - 1);
    long before = usedHeap();
    InvalidObjectException failure = assertThrows(InvalidObjectException.class, () -> decode(CODEC, forged));
    assertTrue(failure.getMessage().contains("268435455"), failure.getMessage());
    assertTrue(failure.getMessage().contains("bytes of the value are left"), failure.getMessage());
    assertTrue(usedHeap() - before < 512L << 20, "no 2 GB array was allocated");
  }

  /** Patches the length of the last array in a serialization stream: the int before its end. */
  private static byte[] forgeInnerArrayLength(byte[] stream, int length) {
    byte[] forged = stream.clone();
    // the stream ends with the empty long[]'s length (4 bytes, big-endian)
    ByteBuffer.wrap(forged).putInt(forged.length - 4, length);
    return forged;
  }

  private static long usedHeap() {
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  @Test
  void theNestedSetBombIsRejectedQuicklyNamingTheLimit() throws Exception {
    byte[] bomb = encode(CODEC, HostileValues.nestedSetBomb(100));
    assertTrue(bomb.length < 20_000, "the bomb is small: " + bomb.length + " bytes");
    InvalidObjectException failure =
        assertTimeoutWithin(() -> assertThrows(InvalidObjectException.class, () -> decode(CODEC, bomb)));
    assertTrue(failure.getMessage().contains("maxCollectionWorkPerObject = 64"), failure.getMessage());
    assertTrue(failure.getMessage().contains("withMaxCollectionWorkPerObject("), failure.getMessage());
  }

  @Test
  void sharedListsUnderOneSetAreRejectedBeforeTheSetHashesThem() throws Exception {
    // HashSet{L0}, L(k) = [L(k+1), L(k+1)]: one set, but hashing L0 visits 2^60 lists
    Set<Object> set = new HashSet<>();
    List<Object> top = new ArrayList<>();
    set.add(top); // hashed while empty
    List<Object> level = top;
    for (int i = 0; i < 60; i++) {
      List<Object> next = new ArrayList<>();
      level.add(next);
      level.add(next);
      level = next;
    }
    byte[] bomb = encode(CODEC, set);
    assertTimeoutWithin(() -> assertThrows(InvalidObjectException.class, () -> decode(CODEC, bomb)));
  }

  private static <T> T assertTimeoutWithin(org.junit.jupiter.api.function.ThrowingSupplier<T> action) {
    return org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), action);
  }

  @Test
  void manyCopiesOfOneElementDecodeAsTheValueItself() throws Exception {
    // nCopies claims its length in readObject, with one element on the wire: nothing to allocate
    List<Integer> copies = java.util.Collections.nCopies(20_000_000, 7);
    byte[] encoded = encode(CODEC, copies);
    assertTrue(encoded.length < 1_000, "one element on the wire: " + encoded.length + " bytes");
    assertEquals(copies, assertTimeoutWithin(() -> decode(CODEC, encoded)));
    List<Integer> same = new ArrayList<>(java.util.Collections.nCopies(2_000_000, 7));
    assertEquals(same, assertTimeoutWithin(() -> roundTrip(CODEC, same)));
  }

  @Test
  void copiesOfCopiesUnderASetAreRejectedBeforeTheSetHashesThem() throws Exception {
    Set<Object> set = new HashSet<>();
    set.add(java.util.Collections.nCopies(100_000_000, java.util.Collections.nCopies(100_000_000, "x")));
    byte[] bomb = encode(CODEC, set);
    InvalidObjectException failure =
        assertTimeoutWithin(() -> assertThrows(InvalidObjectException.class, () -> decode(CODEC, bomb)));
    assertTrue(failure.getMessage().contains("MaxCollectionWorkPerObject"), failure.getMessage());
  }

  @Test
  void aSmallerBombWithinTheLimitsStillDecodes() throws Exception {
    Set<Object> bomb = HostileValues.nestedSetBomb(12); // 2^12 visits: harmless
    Object decoded = roundTrip(CODEC, bomb);
    // The bomb's sets changed after they were added, so compare by hash, which walks the structure.
    assertEquals(bomb.hashCode(), decoded.hashCode());
    List<Object> large = new ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      large.add(List.of(i, List.of(i, Set.of(i)))); // an ordinary value of 1.2 M visits
    }
    assertEquals(large, roundTrip(CODEC, large));
  }

  @Test
  void aGadgetClassIsRejectedByName() throws Exception {
    byte[] gadget = encode(CODEC, new javax.management.BadAttributeValueExpException("x"));
    InvalidObjectException failure = assertThrows(InvalidObjectException.class, () -> decode(CODEC, gadget));
    assertTrue(failure.getMessage().contains("javax.management.BadAttributeValueExpException"), failure.getMessage());
    assertTrue(failure.getMessage().contains("gadget"), failure.getMessage());
    assertEquals("javax.management.BadAttributeValueExpException", SerialFilter.gadgetOf(
        "javax.management.BadAttributeValueExpException"));
    assertEquals("org.apache.commons.collections.functors.", SerialFilter.gadgetOf(
        "org.apache.commons.collections.functors.InvokerTransformer"));
    assertEquals(null, SerialFilter.gadgetOf("java.util.HashMap"));
  }

  static final class Node implements Serializable {
    private static final long serialVersionUID = 1L;
    final Node next;

    Node(Node next) {
      this.next = next;
    }
  }

  private static Node chain(int length) {
    Node node = null;
    for (int i = 0; i < length; i++) {
      node = new Node(node);
    }
    return node;
  }

  @Test
  void eachLimitRejectsAValueOverItAndNamesIt() throws Exception {
    DecodeLimits defaults = DecodeLimits.defaults();
    assertLimit(defaults.withMaxDepth(50), chain(60), "maxDepth");
    decode(Codec.serialization(defaults.withMaxDepth(50)), encode(CODEC, chain(20)));
    assertLimit(defaults.withMaxReferences(100), new ArrayList<>(java.util.Collections.nCopies(200, 1)), "maxReferences");
    assertLimit(defaults.withMaxArrayLength(10_000), java.util.Collections.nCopies(100_000, "x"), "maxArrayLength");
    assertLimit(defaults.withMaxBytes(100), new ArrayList<>(List.of("a long enough string to pass one hundred bytes")),
        "maxBytes");
    assertLimit(defaults.withMaxCollectionWorkPerObject(1), HostileValues.nestedSetBomb(22), "maxCollectionWorkPerObject");
    assertLimit(defaults.withMaxBytes(10), "a string of more than ten bytes", "maxBytes");
  }

  @Test
  void anArrayWhoseElementsAreInTheValueIsAcceptedWhateverMaxArrayLength() throws Exception {
    Codec none = Codec.serialization(DecodeLimits.defaults().withMaxArrayLength(0));
    byte[] bytes = new byte[100_000];
    bytes[99_999] = 7;
    assertArrayEquals(bytes, (byte[]) roundTrip(none, bytes));
    assertArrayEquals(new int[11], (int[]) roundTrip(none, new int[11]));
    assertArrayEquals(new double[] {1.5, 2.5}, (double[]) roundTrip(none, new double[] {1.5, 2.5}));
    Object[] nested = (Object[]) roundTrip(none, new Object[] {new long[5_000], "x"});
    assertEquals(5_000, ((long[]) nested[0]).length);
    List<Integer> list = new ArrayList<>(java.util.Collections.nCopies(100_000, 7));
    assertEquals(list, roundTrip(none, list));
    Map<Integer, Integer> map = new HashMap<>();
    for (int i = 0; i < 50_000; i++) {
      map.put(i, i);
    }
    assertEquals(map, roundTrip(none, map));
    // nCopies carries one element for all its copies: what it claims beyond the bytes is bounded
    assertEquals(java.util.Collections.nCopies(1_000, "x"), roundTrip(none, java.util.Collections.nCopies(1_000, "x")));
    assertLimit(DecodeLimits.defaults().withMaxArrayLength(0), java.util.Collections.nCopies(100_000, "x"),
        "maxArrayLength");
  }

  @Test
  void aForgedLengthIsRejectedWhateverMaxArrayLength() throws Exception {
    Codec unbounded = Codec.serialization(DecodeLimits.defaults().withMaxArrayLength(Integer.MAX_VALUE));
    byte[] forged = forgeInnerArrayLength(encode(CODEC, new long[][] {new long[0]}), Integer.MAX_VALUE);
    InvalidObjectException failure =
        assertTimeoutWithin(() -> assertThrows(InvalidObjectException.class, () -> decode(unbounded, forged)));
    assertTrue(failure.getMessage().contains("an array of 2147483647 long elements is claimed"), failure.getMessage());
    for (int tag : new int[] {10, 11, 12, 13}) { // BYTES, INTS, LONGS, DOUBLES
      byte[] claim = Arrays13.pad(claim(tag, Integer.MAX_VALUE));
      assertThrows(StreamCorruptedException.class, () -> decode(unbounded, claim));
    }
  }

  private static void assertLimit(DecodeLimits limits, Object value, String name) throws IOException {
    byte[] bytes = encode(CODEC, value);
    Codec limited = Codec.serialization(limits);
    InvalidObjectException failure = assertThrows(InvalidObjectException.class, () -> decode(limited, bytes));
    assertTrue(failure.getMessage().contains(name + " = "), failure.getMessage());
    String with = "with" + Character.toUpperCase(name.charAt(0)) + name.substring(1) + "(";
    assertTrue(failure.getMessage().contains(with), failure.getMessage());
  }

  @Test
  void anAssertionErrorInReadObjectIsADecodeFailure() throws Exception {
    FrameOutput out = new FrameOutput(16);
    Protocol.writeValue(out, CODEC, new HostileValues.AssertingRead());
    FrameInput in = new FrameInput(ByteBuffer.wrap(FrameTest.bytesOf(out)));
    DecodeException failure = assertThrows(DecodeException.class, () -> Protocol.decodeValue(in, CODEC, null));
    assertInstanceOf(AssertionError.class, failure.getCause());
  }

  @Test
  void limitsValidateTheirArguments() {
    IllegalArgumentException failure =
        assertThrows(IllegalArgumentException.class, () -> DecodeLimits.defaults().withMaxDepth(0));
    assertTrue(failure.getMessage().contains("maxDepth"), failure.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DecodeLimits.defaults().withMaxArrayLength(-1));
    assertThrows(NullPointerException.class, () -> Codec.serialization(null));
    assertEquals("Codec.serialization()", Codec.serialization(DecodeLimits.defaults()).toString());
  }

  @Test
  void theForgedStreamIsThirteenBytesOfClaim() {
    // the classic forged stream: a tag and a length just under 2^28 are all it takes
    assertEquals(13, Arrays13.pad(claim(12, (1 << 28) - 1)).length);
    assertThrows(StreamCorruptedException.class, () -> decode(CODEC, Arrays13.pad(claim(12, (1 << 28) - 1))));
  }

  @Test
  void aJavaSerializationStreamOfAnotherWriterIsDecodedToo() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(15); // SERIALIZED
    try (ObjectOutputStream objects = new ObjectOutputStream(bytes)) {
      objects.writeObject(new ArrayList<>(List.of("a", "b")));
    }
    assertEquals(List.of("a", "b"), decode(CODEC, bytes.toByteArray()));
  }
}

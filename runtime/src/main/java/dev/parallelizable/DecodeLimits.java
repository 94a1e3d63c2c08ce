package dev.parallelizable;

/**
 * How much one decoded value may cost the side that decodes it: the limits that {@link
 * Codec#serialization(DecodeLimits)} enforces on every argument a worker decodes and every result
 * and exception the caller decodes. A value over a limit is rejected before it is built, with a
 * {@link java.io.InvalidObjectException} naming the limit, the value found and the method that
 * raises it; the task fails with that cause and the pool is not affected.
 *
 * <pre>{@code
 * Codec codec = Codec.serialization(DecodeLimits.defaults().withMaxDepth(10_000));
 * }</pre>
 *
 * <p>The limits bound what a few hostile bytes can make the decoder allocate or compute, not what
 * an honest value carries: an array whose elements are in the value's bytes is accepted whatever
 * its length (a task may return a {@code byte[]} of a gigabyte), since the bytes that back it were
 * sent already. The {@linkplain #defaults() defaults} accept what ordinary programs send and reject
 * the classic deserialization bombs: a stream of a few bytes that claims a huge array (rejected
 * whatever the limits, as forged, before anything is allocated), nested sets whose shared elements
 * make rebuilding them cost 2<sup>depth</sup> calls of {@code hashCode}, and nesting deep enough to
 * overflow the decoding thread's stack.
 *
 * <p>Immutable and thread-safe; each {@code with} method returns a new instance.
 */
public final class DecodeLimits {
  private static final DecodeLimits DEFAULTS =
      new DecodeLimits(1_000, 100_000_000L, 1 << 28, Integer.MAX_VALUE, 64);

  /** The collection work any value may cost, whatever its number of objects. */
  public static final long COLLECTION_WORK_ALLOWANCE = 1_000_000;

  private final int maxDepth;
  private final long maxReferences;
  private final int maxArrayLength;
  private final long maxBytes;
  private final long maxCollectionWorkPerObject;

  private DecodeLimits(int maxDepth, long maxReferences, int maxArrayLength, long maxBytes, long maxCollectionWorkPerObject) {
    this.maxDepth = maxDepth;
    this.maxReferences = maxReferences;
    this.maxArrayLength = maxArrayLength;
    this.maxBytes = maxBytes;
    this.maxCollectionWorkPerObject = maxCollectionWorkPerObject;
  }

  /**
   * The default limits: depth 1,000; 100,000,000 references; 2<sup>28</sup> array elements not
   * carried by the value's bytes; 2<sup>31</sup>-1 bytes (what a frame can carry); collection work
   * 64 per object.
   *
   * @return the default limits
   */
  public static DecodeLimits defaults() {
    return DEFAULTS;
  }

  /**
   * How deeply objects may nest inside a serialized value (an object holding an object...).
   *
   * @return the largest nesting depth accepted
   */
  public int maxDepth() {
    return maxDepth;
  }

  /**
   * How many object references a serialized value may hold, new objects and references to objects
   * read before alike.
   *
   * @return the largest number of references accepted
   */
  public long maxReferences() {
    return maxReferences;
  }

  /**
   * How many elements an array may claim that the value's bytes do not carry. An array, string or
   * collection whose elements are in the bytes left in the value is accepted whatever its length
   * (within {@link #maxBytes()}): those bytes were sent, so the array costs what the value weighs.
   * A claimed length that the bytes left cannot carry is rejected as forged or corrupt before
   * anything is allocated for it, whatever this limit. This limit bounds the one length that need
   * not be carried: the one {@code Collections.nCopies} claims, one element standing for all its
   * copies.
   *
   * @return the largest array length accepted without the bytes of its elements
   */
  public int maxArrayLength() {
    return maxArrayLength;
  }

  /**
   * How many bytes one encoded value may take.
   *
   * @return the largest encoded size accepted, in bytes
   */
  public long maxBytes() {
    return maxBytes;
  }

  /**
   * How many element visits per object of the value rebuilding its sets and maps may cost, beyond
   * a first {@value #COLLECTION_WORK_ALLOWANCE}. The work of a JDK collection, map or map entry is
   * one plus the work of each element, counted again for every collection that reaches a shared
   * element: what {@code hashCode} and {@code equals} cost while the value's sets and maps are
   * rebuilt. An ordinary value costs about its number of objects times how deeply its collections
   * nest, far below the default of 64 per object; a value whose collections share their elements
   * can cost exponentially more than it weighs (the nested-set bomb: 2<sup>100</sup> visits for a
   * few hundred objects), and is rejected after about a million visits.
   *
   * @return the collection work accepted per object of a value
   */
  public long maxCollectionWorkPerObject() {
    return maxCollectionWorkPerObject;
  }

  /**
   * These limits with {@link #maxDepth()} set to {@code maxDepth} (at least 1).
   *
   * @param maxDepth the largest nesting depth to accept; at least 1
   * @return new limits; this instance is unchanged
   * @throws IllegalArgumentException if {@code maxDepth} is less than 1
   */
  public DecodeLimits withMaxDepth(int maxDepth) {
    return new DecodeLimits(positive("maxDepth", maxDepth), maxReferences, maxArrayLength, maxBytes, maxCollectionWorkPerObject);
  }

  /**
   * These limits with {@link #maxReferences()} set to {@code maxReferences} (at least 1).
   *
   * @param maxReferences the largest number of references to accept; at least 1
   * @return new limits; this instance is unchanged
   * @throws IllegalArgumentException if {@code maxReferences} is less than 1
   */
  public DecodeLimits withMaxReferences(long maxReferences) {
    return new DecodeLimits(maxDepth, positive("maxReferences", maxReferences), maxArrayLength, maxBytes, maxCollectionWorkPerObject);
  }

  /**
   * These limits with {@link #maxArrayLength()} set to {@code maxArrayLength} (0 or more).
   *
   * @param maxArrayLength the largest array length to accept without the bytes of its elements; 0
   *     or more
   * @return new limits; this instance is unchanged
   * @throws IllegalArgumentException if {@code maxArrayLength} is negative
   */
  public DecodeLimits withMaxArrayLength(int maxArrayLength) {
    if (maxArrayLength < 0) {
      throw new IllegalArgumentException("maxArrayLength must be 0 or more, got " + maxArrayLength);
    }
    return new DecodeLimits(maxDepth, maxReferences, maxArrayLength, maxBytes, maxCollectionWorkPerObject);
  }

  /**
   * These limits with {@link #maxBytes()} set to {@code maxBytes} (at least 1).
   *
   * @param maxBytes the largest encoded size to accept, in bytes; at least 1
   * @return new limits; this instance is unchanged
   * @throws IllegalArgumentException if {@code maxBytes} is less than 1
   */
  public DecodeLimits withMaxBytes(long maxBytes) {
    return new DecodeLimits(maxDepth, maxReferences, maxArrayLength, positive("maxBytes", maxBytes), maxCollectionWorkPerObject);
  }

  /**
   * These limits with {@link #maxCollectionWorkPerObject()} set to {@code
   * maxCollectionWorkPerObject} (at least 1).
   *
   * @param maxCollectionWorkPerObject the collection work to accept per object; at least 1
   * @return new limits; this instance is unchanged
   * @throws IllegalArgumentException if {@code maxCollectionWorkPerObject} is less than 1
   */
  public DecodeLimits withMaxCollectionWorkPerObject(long maxCollectionWorkPerObject) {
    return new DecodeLimits(
        maxDepth, maxReferences, maxArrayLength, maxBytes, positive("maxCollectionWorkPerObject", maxCollectionWorkPerObject));
  }

  private static <N extends Number> N checkPositive(String name, N value) {
    if (value.longValue() < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, got " + value);
    }
    return value;
  }

  private static int positive(String name, int value) {
    return checkPositive(name, value);
  }

  private static long positive(String name, long value) {
    return checkPositive(name, value);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof DecodeLimits that
        && maxDepth == that.maxDepth
        && maxReferences == that.maxReferences
        && maxArrayLength == that.maxArrayLength
        && maxBytes == that.maxBytes
        && maxCollectionWorkPerObject == that.maxCollectionWorkPerObject;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(maxDepth, maxReferences, maxArrayLength, maxBytes, maxCollectionWorkPerObject);
  }

  @Override
  public String toString() {
    return "DecodeLimits[maxDepth=" + maxDepth + ", maxReferences=" + maxReferences + ", maxArrayLength="
        + maxArrayLength + ", maxBytes=" + maxBytes + ", maxCollectionWorkPerObject=" + maxCollectionWorkPerObject + "]";
  }
}

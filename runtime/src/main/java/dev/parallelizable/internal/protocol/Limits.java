package dev.parallelizable.internal.protocol;

/** The wording of a rejection by a {@link dev.parallelizable.DecodeLimits} limit. */
final class Limits {
  private Limits() {}

  /**
   * "the value has objects nested 1200 deep, over maxDepth = 1000; ... raise it with ...".
   *
   * @param what what was counted
   * @param found how many were found or claimed
   * @param unit a word after the count, or empty
   * @param limit the name of the limit after "with" / "max", e.g. "MaxDepth"
   * @param max the limit's value
   */
  static String exceeded(String what, long found, String unit, String limit, long max) {
    String name = Character.toLowerCase(limit.charAt(0)) + limit.substring(1);
    return "the value has " + what + " " + found + (unit.isEmpty() ? "" : " " + unit) + ", over " + name + " = "
        + max + " of the codec's DecodeLimits; if the value is legitimate, raise it with"
        + " ProcessPoolBuilder.codec(Codec.serialization(DecodeLimits.defaults().with" + limit + "(...)))";
  }
}

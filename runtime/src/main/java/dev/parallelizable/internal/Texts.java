package dev.parallelizable.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * How messages show counts and durations, so that every message reads the same way: {@code "1
 * worker"}, {@code "4 workers"}, {@code "100 ms"}, {@code "2 s"}, {@code "1 min 30 s"}. Not API;
 * stateless and thread-safe.
 */
public final class Texts {
  private Texts() {}

  /**
   * {@code count} and the noun, in the plural unless {@code count} is 1 or -1: {@code count(1,
   * "thread")} is {@code "1 thread"}, {@code count(2, "worker")} is {@code "2 workers"}. For
   * nouns whose plural adds an {@code s}.
   */
  public static String count(long count, String noun) {
    return count + " " + (Math.abs(count) == 1 ? noun : noun + "s");
  }

  /**
   * A wait's timeout in nanoseconds, the one check of every result and job: null and negative
   * timeouts are refused, naming the value.
   *
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public static long waitNanos(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, got " + duration(timeout));
    }
    return timeout.toNanos();
  }

  /**
   * A duration as a person writes it: {@code "250 µs"}, {@code "100 ms"}, {@code "1.5 s"}, {@code
   * "2 s"}, {@code "1 min 30 s"}, {@code "2 h 5 min"}; a negative one with a leading minus. Below
   * a second it is shown in milliseconds (microseconds or nanoseconds below one), seconds keep at
   * most three decimals, and from a minute on, parts that are zero are left out.
   */
  public static String duration(Duration duration) {
    if (duration.isZero()) {
      return "0 s";
    }
    if (duration.isNegative()) {
      return duration.getSeconds() == Long.MIN_VALUE ? duration.toString() : "-" + duration(duration.negated());
    }
    long nanos = duration.getNano(); // not toNanos(): that overflows past 292 years
    long seconds = duration.getSeconds();
    if (seconds == 0) {
      if (nanos >= 10_000_000) {
        return Math.round(nanos / 1e6) + " ms";
      }
      if (nanos >= 1_000_000) {
        return decimal(nanos, 1_000_000) + " ms";
      }
      return nanos % 1_000 == 0 ? nanos / 1_000 + " µs" : nanos + " ns";
    }
    StringBuilder text = new StringBuilder();
    long hours = seconds / 3600;
    long minutes = seconds % 3600 / 60;
    long secondsLeft = seconds % 60;
    if (hours > 0) {
      text.append(hours).append(" h");
    }
    if (minutes > 0) {
      text.append(text.length() > 0 ? " " : "").append(minutes).append(" min");
    }
    if (secondsLeft > 0 || nanos > 0) {
      text.append(text.length() > 0 ? " " : "")
          .append(decimal(secondsLeft * 1_000_000_000L + nanos, 1_000_000_000L))
          .append(" s");
    }
    return text.toString();
  }

  /** {@code value / unit} with at most three decimals, trailing zeros dropped. */
  private static String decimal(long value, long unit) {
    long thousandths = Math.round(value * 1000.0 / unit);
    String whole = String.valueOf(thousandths / 1000);
    // By hand rather than String.format and a regular expression: builders name durations on every
    // call, and those cost milliseconds on first use, on the path of a pool's start.
    String fraction = Long.toString(thousandths % 1000 + 1000).substring(1);
    int end = fraction.length();
    while (end > 0 && fraction.charAt(end - 1) == '0') {
      end--;
    }
    return end == 0 ? whole : whole + "." + fraction.substring(0, end);
  }
}

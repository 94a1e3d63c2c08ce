package dev.parallelizable.internal;

/**
 * The one rule for pool names, and how messages show a pool. A pool's name ({@code Pool.name()}) is
 * the one its builder was given, or a default of its kind and number ({@code "thread pool 3"});
 * messages, {@code toString()}, JFR events and {@code PoolStats.pool()} show the pool as the default
 * name, or the kind and the given name quoted ({@code "thread pool 'thumbnails'"}), followed by its
 * size. Not API; stateless and thread-safe.
 */
public final class PoolNames {
  /** The longest name, in chars: a name labels a thread, a metric and a log line. */
  public static final int MAX_LENGTH = 64;

  private PoolNames() {}

  /**
   * Checks a name given to a pool's builder: not null, not blank, at most {@link #MAX_LENGTH} chars,
   * no control character (a line break would split a log line, a thread dump, a metrics export).
   *
   * @return {@code name}
   * @throws IllegalArgumentException naming the value and the rule it breaks
   */
  public static String check(String name) {
    if (name == null) {
      throw new IllegalArgumentException("name must not be null; leave it unset for the default name");
    }
    if (name.isBlank()) {
      throw new IllegalArgumentException(
          "name must not be blank, got '" + name + "'; leave it unset for the default name");
    }
    if (name.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "name must be at most " + MAX_LENGTH + " characters, got " + name.length() + ": '"
              + name.substring(0, MAX_LENGTH) + "...'");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isISOControl(c)) {
        throw new IllegalArgumentException(String.format(
            "name must not contain control characters, got U+%04X at index %d of '%s'",
            (int) c, i, escaped(name)));
      }
    }
    return name;
  }

  /**
   * The pool as messages show it, before its size: {@code defaultName} if no name was given, else
   * {@code kind} and the given name quoted ({@code "process pool 'thumbnails'"}).
   */
  public static String shown(String kind, String given, String defaultName) {
    return given == null ? defaultName : kind + " '" + given + "'";
  }

  /**
   * {@code name} with each control character written as a Java escape (a tab as {@code \\u0009}),
   * to quote it on one line.
   */
  private static String escaped(String name) {
    StringBuilder out = new StringBuilder(name.length() + 8);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04X", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}

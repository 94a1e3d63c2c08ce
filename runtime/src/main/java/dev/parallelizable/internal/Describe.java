package dev.parallelizable.internal;

import java.lang.reflect.Array;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Describes user values for messages, safely: the one place where the library turns an argument,
 * a task or a user exception into text of its own accord.
 *
 * <p>The text is bounded in length and depth whatever the value is. A {@code toString()} that throws
 * or recurses without end (a cyclic structure, a {@link StackOverflowError}) is replaced by the class
 * name and identity hash, e.g. {@code com.example.Node@1b6d3586 (toString() threw
 * StackOverflowError)}. Arrays, collections and maps are rendered here, element by element, up to
 * the length bound, and never through their own {@code toString()}: a list of twenty million
 * elements costs as much as one of three, e.g. {@code [1, 2, 3, 4, ... (20000000 elements)]}.
 * Strings are cut with a marker, e.g. {@code "abc..." (100000 chars)}. Only identity hashes are
 * used to detect cycles: the user's {@code hashCode} and {@code equals} are never called.
 *
 * <p>A {@code toString()} that never returns still blocks its caller, which is why the library never
 * describes a value while it holds a lock. Thread-safe (stateless).
 */
public final class Describe {
  /** Characters of one argument in a task's description, as in {@code Cubes.cube(3)}. */
  public static final int ARGUMENT_CHARS = 60;
  /** Characters of a user exception's {@code toString()} inside a message. */
  public static final int THROWABLE_CHARS = 1_000;
  /** Nesting of arrays, collections and maps rendered before one is shown as its size alone. */
  static final int MAX_DEPTH = 3;

  private Describe() {}

  /** {@code value} in at most about {@link #ARGUMENT_CHARS} characters. */
  public static String value(Object value) {
    return value(value, ARGUMENT_CHARS);
  }

  /** {@code value} in at most about {@code maxChars} characters (a size suffix may follow). */
  public static String value(Object value, int maxChars) {
    Renderer renderer = new Renderer(maxChars);
    try {
      renderer.write(value, 0);
    } catch (Throwable e) {
      // Only a broken collection gets here (its size or iterator threw): name it instead.
      return identity(value) + " (" + e.getClass().getSimpleName() + " while describing it)";
    }
    return renderer.out.toString();
  }

  /** A call, e.g. {@code Cubes.cube(3)}: {@code method} and each argument by {@link #value(Object)}. */
  public static String call(String method, Object[] arguments) {
    StringBuilder text = new StringBuilder(method).append('(');
    for (int i = 0; i < arguments.length; i++) {
      if (i > 0) {
        text.append(", ");
      }
      text.append(value(arguments[i]));
    }
    return text.append(')').toString();
  }

  /**
   * Argument {@code index} of {@code method} as an error message names it: {@code parameter 'size'
   * (declared int)}, or {@code argument 3} past the declared parameters (varargs).
   */
  public static String parameter(dev.parallelizable.TaskMethod<?> method, int index) {
    return index < method.parameterNames().size()
        ? "parameter '" + method.parameterNames().get(index) + "' (declared "
            + method.parameterTypes().get(index) + ")"
        : "argument " + (index + 1);
  }

  /**
   * A user exception's {@code toString()}, cut to {@link #THROWABLE_CHARS}; its class name and
   * identity if that throws.
   */
  public static String throwable(Throwable failure) {
    if (failure == null) {
      return "null";
    }
    String text;
    try {
      text = failure.toString();
    } catch (Throwable e) {
      return identity(failure) + " (toString() threw " + e.getClass().getSimpleName() + ")";
    }
    return cut(String.valueOf(text), THROWABLE_CHARS);
  }

  /** The class name and identity hash, e.g. {@code com.example.Node@1b6d3586}; calls no user code. */
  public static String identity(Object value) {
    return value == null
        ? "null"
        : value.getClass().getName() + '@' + Integer.toHexString(System.identityHashCode(value));
  }

  private static String cut(String text, int maxChars) {
    return text.length() <= maxChars
        ? text
        : text.substring(0, Math.max(0, maxChars - 3)) + "... (" + text.length() + " chars)";
  }

  /** One description being written; {@code open} holds the containers being rendered (cycles). */
  private static final class Renderer {
    final StringBuilder out = new StringBuilder();
    final int max;
    final Map<Object, Boolean> open = new IdentityHashMap<>();

    Renderer(int max) {
      this.max = max;
    }

    boolean full() {
      return out.length() >= max;
    }

    void write(Object value, int depth) {
      if (value == null) {
        out.append("null");
      } else if (value instanceof String s) {
        int room = Math.max(8, max - out.length() - 2);
        if (s.length() <= room) {
          out.append('"').append(s).append('"');
        } else {
          out.append('"').append(s, 0, room - 3).append("...\" (").append(s.length()).append(" chars)");
        }
      } else if (value instanceof byte[] bytes) {
        out.append("byte[").append(bytes.length).append(']');
      } else if (value.getClass().isArray()) {
        container(value, depth, '[', ']');
      } else if (value instanceof Collection<?> || value instanceof Map<?, ?>) {
        container(value, depth, value instanceof Map<?, ?> ? '{' : '[', value instanceof Map<?, ?> ? '}' : ']');
      } else {
        plain(value);
      }
    }

    private void plain(Object value) {
      String text;
      try {
        text = String.valueOf(value.toString());
      } catch (Throwable e) {
        // Shown whole: it is bounded, and it is what tells the reader what went wrong.
        out.append(identity(value)).append(" (toString() threw ").append(e.getClass().getSimpleName()).append(')');
        return;
      }
      int room = Math.max(8, max - out.length());
      out.append(text.length() <= room ? text : text.substring(0, room - 3) + "...");
    }

    private void container(Object value, int depth, char open, char close) {
      int size = sizeOf(value);
      if (this.open.containsKey(value)) {
        out.append("(this ").append(value.getClass().getSimpleName()).append(')');
        return;
      }
      if (depth >= MAX_DEPTH) {
        out.append(open).append("... (").append(size).append(" elements)").append(close);
        return;
      }
      this.open.put(value, Boolean.TRUE);
      out.append(open);
      Iterator<?> elements = iterator(value);
      int written = 0;
      while (elements.hasNext()) {
        if (full()) {
          out.append(written > 0 ? ", " : "").append("... (").append(size).append(" elements)");
          break;
        }
        Object element = elements.next();
        if (written++ > 0) {
          out.append(", ");
        }
        if (element instanceof Map.Entry<?, ?> entry && value instanceof Map<?, ?>) {
          write(entry.getKey(), depth + 1);
          out.append('=');
          write(entry.getValue(), depth + 1);
        } else {
          write(element, depth + 1);
        }
      }
      out.append(close);
      this.open.remove(value);
    }

    private static int sizeOf(Object value) {
      if (value.getClass().isArray()) {
        return Array.getLength(value);
      }
      return value instanceof Map<?, ?> map ? map.size() : ((Collection<?>) value).size();
    }

    private static Iterator<?> iterator(Object value) {
      if (value instanceof Map<?, ?> map) {
        return map.entrySet().iterator();
      }
      if (value instanceof Collection<?> collection) {
        return collection.iterator();
      }
      int length = Array.getLength(value);
      return new Iterator<Object>() {
        int next;

        @Override
        public boolean hasNext() {
          return next < length;
        }

        @Override
        public Object next() {
          return Array.get(value, next++);
        }
      };
    }
  }
}

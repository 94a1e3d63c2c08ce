package dev.parallelizable.internal;

import dev.parallelizable.Task;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.support.TaskInvoker;
import java.util.List;

/**
 * Batches in memory: the arguments of a run of tasks of one method as columns, one per parameter,
 * and the result column a generated batch loop returns ({@link TaskInvoker#invokeBatch}).
 *
 * <p>A parameter whose declared type is primitive has a primitive column ({@code int[]} for {@code
 * int}); every other parameter, the receiver of an instance method included, an {@code Object[]}.
 * The kind of a column is one of the constants below; {@link #VOID} stands for the missing result
 * column of a {@code void} method. The generated code applies the same rule, to the same declared
 * types. Stateless and thread-safe.
 */
public final class Columns {
  public static final byte REFERENCE = 0;
  public static final byte BOOLEAN = 1;
  public static final byte BYTE = 2;
  public static final byte CHAR = 3;
  public static final byte SHORT = 4;
  public static final byte INT = 5;
  public static final byte LONG = 6;
  public static final byte FLOAT = 7;
  public static final byte DOUBLE = 8;
  public static final byte VOID = 9;

  private static final int[] WIDTHS = {0, 1, 1, 2, 2, 4, 8, 4, 8, 0};

  private Columns() {}

  /** The bytes one element of a primitive column takes on the wire; 0 for the others. */
  public static int width(byte kind) {
    return WIDTHS[kind];
  }

  /** Whether {@code kind} names a column kind of the wire format. */
  public static boolean isKind(int kind) {
    return kind >= REFERENCE && kind <= VOID;
  }

  /** The column kind of each of {@code method}'s parameters, the receiver first. */
  public static byte[] parameterKinds(TaskMethod<?> method) {
    List<String> types = method.parameterTypes();
    byte[] kinds = new byte[types.size()];
    for (int p = 0; p < kinds.length; p++) {
      kinds[p] = kindOf(types.get(p));
    }
    return kinds;
  }

  private static byte kindOf(String declaredType) {
    return switch (declaredType) {
      case "boolean" -> BOOLEAN;
      case "byte" -> BYTE;
      case "char" -> CHAR;
      case "short" -> SHORT;
      case "int" -> INT;
      case "long" -> LONG;
      case "float" -> FLOAT;
      case "double" -> DOUBLE;
      default -> REFERENCE;
    };
  }

  /** Whether the tasks of {@code method} may run as batches: its invoker has a batch loop. */
  public static boolean batches(TaskMethod<?> method) {
    return method.invoker().batches();
  }

  /** The end of the run of tasks from {@code from} (below {@code to}) that call one method. */
  public static int runEnd(Task<?>[] tasks, int from, int to) {
    TaskMethod<?> method = tasks[from].method();
    int end = from + 1;
    while (end < to && tasks[end].method() == method) {
      end++;
    }
    return end;
  }

  /** A new column of {@code kind} for {@code count} elements; null for {@link #VOID}. */
  public static Object newColumn(byte kind, int count) {
    return switch (kind) {
      case BOOLEAN -> new boolean[count];
      case BYTE -> new byte[count];
      case CHAR -> new char[count];
      case SHORT -> new short[count];
      case INT -> new int[count];
      case LONG -> new long[count];
      case FLOAT -> new float[count];
      case DOUBLE -> new double[count];
      case VOID -> null;
      default -> new Object[count];
    };
  }

  /**
   * The argument columns of tasks {@code [from, to)}, which call one method whose parameters have
   * {@code kinds}; null if an argument of a primitive parameter is not of its boxed type (a task
   * bound by hand with a null), which then runs by the per-task path and fails as it always did.
   */
  public static Object[] of(Task<?>[] tasks, int from, int to, byte[] kinds) {
    int count = to - from;
    Object[] columns = new Object[kinds.length];
    for (int p = 0; p < kinds.length; p++) {
      Object column = newColumn(kinds[p], count);
      if (!fill(column, tasks, from, to, p)) {
        return null;
      }
      columns[p] = column;
    }
    return columns;
  }

  /**
   * The argument columns of {@code tasks}, as {@link #of} makes them, if every task calls {@code
   * method} with arguments that fit; else null. Reads each task once, checking its method as it
   * copies its arguments.
   */
  public static Object[] ofMethod(Task<?>[] tasks, TaskMethod<?> method, byte[] kinds) {
    Object[] columns = new Object[kinds.length];
    for (int p = 0; p < kinds.length; p++) {
      columns[p] = newColumn(kinds[p], tasks.length);
    }
    for (int i = 0; i < tasks.length; i++) {
      Task<?> task = tasks[i];
      if (task.method() != method || !put(columns, i, task)) {
        return null;
      }
    }
    return columns;
  }

  /**
   * A column of {@code kind} holding {@code values}, unboxed for a primitive kind; null if a value
   * does not fit (a null, or another type, for a primitive kind).
   */
  public static Object ofValues(Object[] values, byte kind) {
    if (kind == REFERENCE) {
      return values; // the batch loop only reads it
    }
    Object column = newColumn(kind, values.length);
    try {
      if (column instanceof int[] c) {
        for (int i = 0; i < c.length; i++) {
          c[i] = (Integer) values[i];
        }
      } else {
        for (int i = 0; i < values.length; i++) {
          set(column, i, values[i]);
        }
      }
      return column;
    } catch (NullPointerException | ClassCastException e) {
      return null;
    }
  }

  private static boolean fill(Object column, Task<?>[] tasks, int from, int to, int p) {
    try {
      if (column instanceof int[] c) {
        for (int i = from; i < to; i++) {
          c[i - from] = (Integer) tasks[i].argument(p);
        }
      } else if (column instanceof long[] c) {
        for (int i = from; i < to; i++) {
          c[i - from] = (Long) tasks[i].argument(p);
        }
      } else if (column instanceof double[] c) {
        for (int i = from; i < to; i++) {
          c[i - from] = (Double) tasks[i].argument(p);
        }
      } else if (column instanceof Object[] c) {
        for (int i = from; i < to; i++) {
          c[i - from] = tasks[i].argument(p);
        }
      } else {
        for (int i = from; i < to; i++) {
          set(column, i - from, tasks[i].argument(p));
        }
      }
      return true;
    } catch (NullPointerException | ClassCastException e) {
      return false;
    }
  }

  /**
   * Copies the arguments of {@code task} into row {@code row} of {@code columns}; false, with
   * nothing to undo, if one does not fit (a null, or another type, for a primitive column).
   */
  public static boolean put(Object[] columns, int row, Task<?> task) {
    try {
      for (int p = 0; p < columns.length; p++) {
        Object column = columns[p];
        if (column instanceof int[] c) {
          c[row] = (Integer) task.argument(p);
        } else {
          set(column, row, task.argument(p));
        }
      }
      return true;
    } catch (NullPointerException | ClassCastException e) {
      return false;
    }
  }

  /** Stores a boxed value into a column, unboxing it for a primitive one. */
  public static void set(Object column, int index, Object value) {
    if (column instanceof Object[] c) {
      c[index] = value;
    } else if (column instanceof int[] c) {
      c[index] = (Integer) value;
    } else if (column instanceof long[] c) {
      c[index] = (Long) value;
    } else if (column instanceof double[] c) {
      c[index] = (Double) value;
    } else if (column instanceof boolean[] c) {
      c[index] = (Boolean) value;
    } else if (column instanceof byte[] c) {
      c[index] = (Byte) value;
    } else if (column instanceof char[] c) {
      c[index] = (Character) value;
    } else if (column instanceof short[] c) {
      c[index] = (Short) value;
    } else if (column instanceof float[] c) {
      c[index] = (Float) value;
    } else {
      throw new IllegalArgumentException("not a column: " + Describe.value(column));
    }
  }

  /** The kind of a column; {@link #VOID} for null. */
  public static byte kindOf(Object column) {
    if (column == null) {
      return VOID;
    }
    if (column instanceof Object[]) {
      return REFERENCE;
    }
    if (column instanceof int[]) {
      return INT;
    }
    if (column instanceof long[]) {
      return LONG;
    }
    if (column instanceof double[]) {
      return DOUBLE;
    }
    if (column instanceof boolean[]) {
      return BOOLEAN;
    }
    if (column instanceof byte[]) {
      return BYTE;
    }
    if (column instanceof char[]) {
      return CHAR;
    }
    if (column instanceof short[]) {
      return SHORT;
    }
    if (column instanceof float[]) {
      return FLOAT;
    }
    throw new IllegalArgumentException("not a column: " + Describe.value(column));
  }

  /**
   * Copies elements {@code [0, count)} of a result column into {@code out} from {@code at},
   * boxed; a {@code void} method's missing column gives nulls.
   */
  public static void box(Object column, int count, Object[] out, int at) {
    if (column == null) {
      return; // out already holds nulls
    }
    if (column instanceof Object[] c) {
      System.arraycopy(c, 0, out, at, count);
    } else if (column instanceof long[] c) {
      for (int i = 0; i < count; i++) {
        out[at + i] = c[i];
      }
    } else if (column instanceof int[] c) {
      for (int i = 0; i < count; i++) {
        out[at + i] = c[i];
      }
    } else if (column instanceof double[] c) {
      for (int i = 0; i < count; i++) {
        out[at + i] = c[i];
      }
    } else {
      for (int i = 0; i < count; i++) {
        out[at + i] = get(column, i);
      }
    }
  }

  /** Element {@code index} of a column, boxed; null for a {@code void} method's missing column. */
  public static Object get(Object column, int index) {
    if (column == null) {
      return null;
    }
    if (column instanceof Object[] c) {
      return c[index];
    }
    if (column instanceof long[] c) {
      return c[index];
    }
    if (column instanceof int[] c) {
      return c[index];
    }
    if (column instanceof double[] c) {
      return c[index];
    }
    if (column instanceof boolean[] c) {
      return c[index];
    }
    if (column instanceof byte[] c) {
      return c[index];
    }
    if (column instanceof char[] c) {
      return c[index];
    }
    if (column instanceof short[] c) {
      return c[index];
    }
    if (column instanceof float[] c) {
      return c[index];
    }
    throw new IllegalArgumentException("not a column: " + Describe.value(column));
  }
}

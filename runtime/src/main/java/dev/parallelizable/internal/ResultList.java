package dev.parallelizable.internal;

import java.io.Serializable;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.RandomAccess;
import java.util.function.Consumer;

/**
 * The list {@code map} returns: the results of its chunks where the chunks hold them, without a
 * copy. A chunk whose batch loop returned a primitive column ({@code long[]} for a method that
 * returns {@code long}) keeps it, and the list boxes an element when it is read, as a list of
 * primitives does; so a map of a million tiny tasks allocates no million boxes unless the caller
 * reads them. A primitive result is never null.
 *
 * <p>It behaves as the {@link ArrayList} that {@code map} returned before: it may be modified
 * ({@code set}, {@code add}, {@code remove}, {@code sort}...), and the first modification copies
 * the results into an {@link ArrayList} it then delegates to; {@code equals}, {@code hashCode} and
 * {@code toString} are those of a {@link java.util.List}; it serializes as an {@link ArrayList}.
 *
 * <p>Not thread-safe, as an {@link ArrayList}: reading it from several threads is safe as long as
 * none modifies it.
 *
 * @param <E> the element type
 */
final class ResultList<E> extends AbstractList<E> implements RandomAccess, Serializable {
  private static final long serialVersionUID = 1L;
  private static final int[] NO_STARTS = {0};

  /** Each segment's values: a primitive column, an {@code Object[]}, or null (all null). */
  private Object[] segments;
  /** Where each segment's elements start in its values. */
  private int[] offsets;
  /** Where each segment starts in the list; {@code starts[segments]} is the size. */
  private int[] starts;
  private int count;
  /**
   * The segment the last {@link #get} found, or null: a hint, one immutable object, so that a read
   * by another thread sees a whole older one, which it checks before use.
   */
  private transient Window window;
  /** The copy every call goes to once the list was modified; null before. */
  private ArrayList<E> copy;

  /** An empty list, to which {@link #add(Object, int, int)} appends the chunks' results. */
  ResultList(int expectedSegments) {
    int capacity = Math.max(1, expectedSegments);
    segments = new Object[capacity];
    offsets = new int[capacity];
    starts = new int[capacity + 1];
    starts[0] = 0;
  }

  /** Appends {@code length} values of {@code values} (see {@link Chunk#resultValues()}) from {@code from}. */
  void add(Object values, int from, int length) {
    if (length == 0) {
      return;
    }
    if (count == segments.length) {
      int capacity = count * 2;
      segments = java.util.Arrays.copyOf(segments, capacity);
      offsets = java.util.Arrays.copyOf(offsets, capacity);
      starts = java.util.Arrays.copyOf(starts, capacity + 1);
    }
    segments[count] = values;
    offsets[count] = from;
    starts[count + 1] = starts[count] + length;
    count++;
  }

  @Override
  public int size() {
    return copy != null ? copy.size() : starts[count];
  }

  @Override
  @SuppressWarnings("unchecked")
  public E get(int index) {
    if (copy != null) {
      return copy.get(index);
    }
    Window last = window;
    if (last == null || index < last.from || index >= last.end) {
      if (index < 0 || index >= starts[count]) {
        throw new IndexOutOfBoundsException(
            "Index " + index + " out of bounds for the " + starts[count] + " results of this map");
      }
      // Reads in order stay in one segment, or move to the next: the one after the last is tried first.
      int segment = last != null && last.segment + 1 < count && starts[last.segment + 1] <= index
              && index < starts[last.segment + 2]
          ? last.segment + 1
          : segmentOf(index);
      last = new Window(segment, segments[segment], starts[segment], starts[segment + 1], offsets[segment]);
      window = last;
    }
    int at = last.offset + index - last.from;
    Object values = last.values;
    if (values instanceof long[] longs) {
      return (E) Long.valueOf(longs[at]);
    }
    return (E) value(values, at);
  }

  /** One segment as {@link #get} last found it: its values and where they lie in the list. */
  private static final class Window {
    final int segment;
    final Object values;
    /** The list's indices of the segment's first element and of the one after its last. */
    final int from;
    final int end;
    /** Where the segment's first element is in its values. */
    final int offset;

    Window(int segment, Object values, int from, int end, int offset) {
      this.segment = segment;
      this.values = values;
      this.from = from;
      this.end = end;
      this.offset = offset;
    }
  }

  /** The segment that holds element {@code index}, which is in bounds. */
  private int segmentOf(int index) {
    if (count == 1) {
      return 0;
    }
    int low = 0;
    int high = count - 1;
    while (low < high) {
      int middle = (low + high + 1) >>> 1;
      if (starts[middle] <= index) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return low;
  }

  private static Object value(Object values, int at) {
    if (values instanceof Object[] boxed) {
      return boxed[at];
    }
    return Columns.get(values, at);
  }

  /**
   * Iterates segment by segment, holding the current one's values in a field of their kind, so
   * that an element costs a bounds check, a type test and the box: a million {@code long} results
   * read as fast as an {@code ArrayList<Long>}'s, where finding the segment and the kind for each
   * element took twice as long.
   */
  @Override
  public Iterator<E> iterator() {
    if (copy != null) {
      return copy.iterator();
    }
    return new Iterator<>() {
      private int segment = -1;
      /** The current segment's values, in the field of their kind; the others null. */
      private long[] longs;
      private int[] ints;
      private Object[] boxed;
      private Object other;
      /** The next element's index in the current segment's values, and the segment's end there. */
      private int at;
      private int limit;

      @Override
      public boolean hasNext() {
        return at < limit || segment + 1 < count;
      }

      @Override
      @SuppressWarnings("unchecked")
      public E next() {
        if (copy != null) {
          throw new ConcurrentModificationException("the results of the map were modified while iterated");
        }
        if (at == limit) {
          if (segment + 1 >= count) {
            throw new NoSuchElementException();
          }
          enterNextSegment();
        }
        int i = at++;
        if (longs != null) {
          return (E) Long.valueOf(longs[i]);
        }
        if (boxed != null) {
          return (E) boxed[i];
        }
        if (ints != null) {
          return (E) Integer.valueOf(ints[i]);
        }
        return (E) Columns.get(other, i);
      }

      /** Moves to the next segment: every segment holds at least one element ({@link #add}). */
      private void enterNextSegment() {
        segment++;
        Object values = segments[segment];
        longs = values instanceof long[] l ? l : null;
        ints = values instanceof int[] n ? n : null;
        boxed = values instanceof Object[] b ? b : null;
        other = values;
        at = offsets[segment];
        limit = at + starts[segment + 1] - starts[segment];
      }
    };
  }

  @Override
  @SuppressWarnings("unchecked")
  public void forEach(Consumer<? super E> action) {
    if (copy != null) {
      copy.forEach(action);
      return;
    }
    for (int s = 0; s < count; s++) {
      Object values = segments[s];
      int from = offsets[s];
      int to = from + starts[s + 1] - starts[s];
      for (int i = from; i < to; i++) {
        action.accept((E) value(values, i));
      }
      if (copy != null) {
        throw new ConcurrentModificationException("the results of the map were modified by forEach");
      }
    }
  }

  @Override
  public Object[] toArray() {
    if (copy != null) {
      return copy.toArray();
    }
    Object[] out = new Object[starts[count]];
    for (int s = 0; s < count; s++) {
      Object values = segments[s];
      int length = starts[s + 1] - starts[s];
      if (values instanceof Object[] boxed) {
        System.arraycopy(boxed, offsets[s], out, starts[s], length);
      } else if (values != null) {
        for (int i = 0; i < length; i++) {
          out[starts[s] + i] = Columns.get(values, offsets[s] + i);
        }
      }
    }
    return out;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T[] toArray(T[] a) {
    if (copy != null) {
      return copy.toArray(a);
    }
    Object[] values = toArray();
    if (a.length < values.length) {
      a = (T[]) java.lang.reflect.Array.newInstance(a.getClass().getComponentType(), values.length);
    }
    System.arraycopy(values, 0, a, 0, values.length);
    if (a.length > values.length) {
      a[values.length] = null;
    }
    return a;
  }

  // ---------------------------------------------------------------- modifications: to the copy

  /** The copy to modify, made on the first modification. */
  @SuppressWarnings("unchecked")
  private ArrayList<E> modifiable() {
    if (copy == null) {
      ArrayList<E> made = new ArrayList<>(starts[count] + 8);
      made.addAll((Collection<E>) java.util.Arrays.asList(toArray()));
      copy = made;
      window = null;
      segments = null;
      offsets = null;
      starts = NO_STARTS;
      count = 0;
    }
    return copy;
  }

  @Override
  public E set(int index, E element) {
    return modifiable().set(index, element);
  }

  @Override
  public void add(int index, E element) {
    modCount++;
    modifiable().add(index, element);
  }

  @Override
  public E remove(int index) {
    modCount++;
    return modifiable().remove(index);
  }

  @Override
  public void clear() {
    modCount++;
    modifiable().clear();
  }

  @Override
  protected void removeRange(int fromIndex, int toIndex) {
    modCount++;
    modifiable().subList(fromIndex, toIndex).clear();
  }

  @Override
  public boolean addAll(Collection<? extends E> c) {
    modCount++;
    return modifiable().addAll(c);
  }

  @Override
  public boolean addAll(int index, Collection<? extends E> c) {
    modCount++;
    return modifiable().addAll(index, c);
  }

  @Override
  public boolean removeAll(Collection<?> c) {
    modCount++;
    return modifiable().removeAll(c);
  }

  @Override
  public boolean retainAll(Collection<?> c) {
    modCount++;
    return modifiable().retainAll(c);
  }

  @Override
  public boolean removeIf(java.util.function.Predicate<? super E> filter) {
    modCount++;
    return modifiable().removeIf(filter);
  }

  @Override
  public void replaceAll(java.util.function.UnaryOperator<E> operator) {
    modifiable().replaceAll(operator);
  }

  @Override
  public void sort(java.util.Comparator<? super E> c) {
    modCount++;
    modifiable().sort(c);
  }

  /** Serialized as the {@link ArrayList} {@code map} used to return. */
  private Object writeReplace() {
    return copy != null ? new ArrayList<>(copy) : new ArrayList<>(java.util.Arrays.asList(toArray()));
  }
}

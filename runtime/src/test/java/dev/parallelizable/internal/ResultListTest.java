package dev.parallelizable.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The list a map returns, over its chunks' result columns: a List of boxed values in every way. */
class ResultListTest {
  /** Three chunks' results: a primitive column, boxed values, and a void method's (none). */
  private static ResultList<Object> mixed() {
    ResultList<Object> list = new ResultList<>(1); // grows past its first guess
    list.add(new long[] {9, 1, 2, 3}, 1, 3);
    list.add(new Object[] {"a", null, "c"}, 0, 3);
    list.add(null, 0, 2);
    list.add(new long[] {4}, 0, 0); // an empty chunk adds nothing
    return list;
  }

  private static List<Object> expected() {
    return new ArrayList<>(java.util.Arrays.asList(1L, 2L, 3L, "a", null, "c", null, null));
  }

  @Test
  void readsAsTheListOfItsBoxedValues() {
    ResultList<Object> list = mixed();
    assertEquals(8, list.size());
    assertEquals(expected(), list);
    assertEquals(list, expected());
    assertEquals(expected().hashCode(), list.hashCode());
    assertEquals(expected().toString(), list.toString());
    assertArrayEquals(expected().toArray(), list.toArray());
    assertArrayEquals(expected().toArray(new Object[0]), list.toArray(new Object[0]));
    List<Object> walked = new ArrayList<>();
    list.forEach(walked::add);
    assertEquals(expected(), walked);
    List<Object> iterated = new ArrayList<>();
    for (Object value : list) {
      iterated.add(value);
    }
    assertEquals(expected(), iterated);
    assertEquals(1, list.indexOf(2L));
    assertEquals(List.of(3L, "a"), list.subList(2, 4));
  }

  /** The segment remembered from the last read is only a hint: reads in any order are right. */
  @Test
  void readsInAnyOrderAcrossSegments() {
    ResultList<Long> list = new ResultList<>(1);
    List<Long> expected = new ArrayList<>();
    long next = 0;
    for (int length : new int[] {1, 5, 2, 9, 1, 3}) {
      long[] column = new long[length + 2];
      for (int i = 0; i < length; i++) {
        column[i + 1] = next;
        expected.add(next++);
      }
      list.add(column, 1, length);
    }
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), list.get(i), "forward " + i);
    }
    for (int i = expected.size() - 1; i >= 0; i--) {
      assertEquals(expected.get(i), list.get(i), "backward " + i);
    }
    Random random = new Random(7);
    for (int n = 0; n < 500; n++) {
      int i = random.nextInt(expected.size());
      assertEquals(expected.get(i), list.get(i), "random " + i);
    }
  }

  /**
   * The iterator holds each segment in a field of its kind: every kind of column, read from an
   * offset, one after another, iterates as {@code get} reads it, and ends where the list does.
   */
  @Test
  void iteratesEveryKindOfSegmentAsGetReadsIt() {
    ResultList<Object> list = new ResultList<>(2);
    list.add(new int[] {0, -7, 8}, 1, 2);
    list.add(new long[] {5, 6, Long.MIN_VALUE}, 2, 1);
    list.add(new double[] {0.5, 1.5}, 0, 2);
    list.add(new Object[] {"x", null}, 0, 2);
    list.add(new boolean[] {true}, 0, 1);
    list.add(null, 0, 2);
    list.add(new int[] {42}, 0, 1);
    list.add(new long[] {1, 2, 3, 4}, 1, 2);
    List<Object> expected = java.util.Arrays.asList(
        -7, 8, Long.MIN_VALUE, 0.5, 1.5, "x", null, true, null, null, 42, 2L, 3L);
    assertEquals(expected.size(), list.size());
    Iterator<Object> iterator = list.iterator();
    for (int i = 0; i < expected.size(); i++) {
      assertTrue(iterator.hasNext(), "hasNext before element " + i);
      Object value = iterator.next();
      assertEquals(expected.get(i), value, "element " + i);
      assertEquals(list.get(i), value, "get(" + i + ")");
    }
    assertFalse(iterator.hasNext());
    assertThrows(java.util.NoSuchElementException.class, iterator::next);
    assertFalse(new ResultList<>(1).iterator().hasNext());
  }

  /** A stream reads every segment in order, and a parallel one splits them and keeps the order. */
  @Test
  void streamsReadEverySegmentInOrder() {
    assertEquals(expected(), mixed().stream().collect(Collectors.toList()));
    ResultList<Long> list = new ResultList<>(1);
    long expectedSum = 0;
    long next = 0;
    for (int length : new int[] {1, 3000, 7, 2500}) {
      long[] column = new long[length + 1];
      for (int i = 0; i < length; i++) {
        column[i + 1] = next;
        expectedSum += next++;
      }
      list.add(column, 1, length);
    }
    assertEquals(expectedSum, list.stream().mapToLong(Long::longValue).sum());
    assertEquals(expectedSum, list.parallelStream().mapToLong(Long::longValue).sum());
    assertEquals(list.size(), list.stream().count());
    List<Long> ordered = list.parallelStream().collect(Collectors.toList());
    assertEquals(list, ordered);
  }

  /** Readers that share the list share the segment {@code get} last found, and each reads right. */
  @Test
  @Timeout(30)
  void threadsThatReadAtOnceEachReadTheirOwnElements() throws Exception {
    ResultList<Long> list = new ResultList<>(1);
    int next = 0;
    for (int length : new int[] {3, 700, 1, 64, 1000, 9}) {
      long[] column = new long[length];
      for (int i = 0; i < length; i++) {
        column[i] = next++;
      }
      list.add(column, 0, length);
    }
    int size = next;
    ExecutorService readers = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> wrong = new ArrayList<>();
      for (int r = 0; r < 4; r++) {
        int seed = r;
        wrong.add(readers.submit(() -> {
          Random random = new Random(seed);
          int misses = 0;
          for (int n = 0; n < 200_000; n++) {
            // In order, backwards and at random, so that the readers keep moving the shared hint.
            int i = n % 3 == 0 ? n % size : n % 3 == 1 ? size - 1 - n % size : random.nextInt(size);
            if (list.get(i) != i) {
              misses++;
            }
          }
          return misses;
        }));
      }
      for (Future<Integer> reader : wrong) {
        assertEquals(0, reader.get());
      }
    } finally {
      readers.shutdownNow();
    }
  }

  @Test
  void aPrimitiveColumnNeverYieldsNull() {
    ResultList<Long> list = new ResultList<>(2);
    list.add(new long[3], 0, 3);
    list.add(new long[] {-1, 5}, 0, 2);
    for (Long value : list) {
      assertTrue(value != null);
    }
    assertFalse(list.contains(null));
    assertEquals(List.of(0L, 0L, 0L, -1L, 5L), list);
  }

  @Test
  void anIndexOutOfRangeNamesTheIndexAndTheSize() {
    ResultList<Object> list = mixed();
    IndexOutOfBoundsException high = assertThrows(IndexOutOfBoundsException.class, () -> list.get(8));
    assertEquals("Index 8 out of bounds for the 8 results of this map", high.getMessage());
    IndexOutOfBoundsException low = assertThrows(IndexOutOfBoundsException.class, () -> list.get(-1));
    assertEquals("Index -1 out of bounds for the 9 results of this map".replace("9", "8"), low.getMessage());
    assertThrows(java.util.NoSuchElementException.class, () -> {
      Iterator<Object> iterator = new ResultList<>(1).iterator();
      iterator.next();
    });
  }

  @Test
  void modifiesLikeTheArrayListMapReturnedBefore_withoutTouchingTheChunksColumns() {
    long[] column = {3, 1, 2};
    ResultList<Long> list = new ResultList<>(1);
    list.add(column, 0, 3);
    List<Long> reference = new ArrayList<>(List.of(3L, 1L, 2L));
    Collections.sort(list);
    Collections.sort(reference);
    assertEquals(reference, list);
    list.add(7L);
    reference.add(7L);
    list.set(0, null);
    reference.set(0, null);
    list.remove(Long.valueOf(2L));
    reference.remove(Long.valueOf(2L));
    list.removeIf(value -> value != null && value == 7L);
    reference.removeIf(value -> value != null && value == 7L);
    assertEquals(reference, list);
    assertArrayEquals(new long[] {3, 1, 2}, column);
    list.clear();
    assertTrue(list.isEmpty());
  }

  @Test
  void anIteratorFailsFastOnceTheListIsModified() {
    ResultList<Object> list = mixed();
    Iterator<Object> iterator = list.iterator();
    iterator.next();
    list.set(0, "changed");
    assertThrows(ConcurrentModificationException.class, iterator::next);
    assertEquals("changed", list.get(0));
  }

  @Test
  void serializesAsAnArrayList() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(mixed());
    }
    Object read;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      read = in.readObject();
    }
    assertInstanceOf(ArrayList.class, read);
    assertEquals(expected(), read);
  }

  @Test
  void aChunkKeepsAWholeColumnAndBoxesItWhenAResultComesAlone() {
    Chunk chunk = new Chunk(new Object[4], Function.identity(), 0);
    assertTrue(chunk.start());
    chunk.storeColumn(new long[] {1, 2}, 0, 2);
    chunk.storeColumn(new long[] {3, 4, 99}, 2, 2); // a piece as a worker sends it
    assertInstanceOf(long[].class, chunk.resultValues());
    assertArrayEquals(new long[] {1, 2, 3, 4}, (long[]) chunk.resultValues());
    chunk.setResult(3, 40L);
    chunk.succeed();
    assertArrayEquals(new Object[] {1L, 2L, 3L, 40L}, (Object[]) chunk.resultValues());
  }

  @Test
  void aChunkTakesAColumnOfItsWholeSizeAsItIs() {
    Chunk whole = new Chunk(new Object[3], Function.identity(), 0);
    assertTrue(whole.start());
    int[] column = {5, 6, 7};
    whole.storeColumn(column, 0, 3);
    assertSame(column, whole.resultValues());
    assertEquals(6, whole.result(1));

    Chunk nothing = new Chunk(new Object[2], Function.identity(), 0);
    assertTrue(nothing.start());
    nothing.storeColumn(null, 0, 2); // a void method's results
    assertNull(nothing.resultValues());
    assertNull(nothing.result(1));
  }

  @Test
  void aChunkBoxesPiecesOfAnotherKindBesideItsColumn() {
    Chunk chunk = new Chunk(new Object[3], Function.identity(), 0);
    assertTrue(chunk.start());
    chunk.storeColumn(new int[] {1}, 0, 1);
    chunk.storeColumn(new Object[] {"two"}, 1, 1);
    chunk.storeColumn(new double[] {3.0}, 2, 1);
    assertArrayEquals(new Object[] {1, "two", 3.0}, (Object[]) chunk.resultValues());
  }
}

package dev.parallelizable.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DescribeTest {
  @Test
  void plainValuesAreTheirToString() {
    assertEquals("3", Describe.value(3));
    assertEquals("null", Describe.value(null));
    assertEquals("\"abc\"", Describe.value("abc"));
    assertEquals("[1, 2, 3]", Describe.value(List.of(1, 2, 3)));
    assertEquals("[1, 2]", Describe.value(new int[] {1, 2}));
    assertEquals("[[\"a\"], null]", Describe.value(new Object[] {new String[] {"a"}, null}));
    assertEquals("{\"a\"=1}", Describe.value(Map.of("a", 1)));
    assertEquals("byte[1000]", Describe.value(new byte[1000]));
    assertEquals("Cubes.cube(3, \"x\")", Describe.call("Cubes.cube", new Object[] {3, "x"}));
  }

  @Test
  void aHugeCollectionShowsItsFirstElementsAndItsSizeAtOnce() {
    String text = assertTimeoutPreemptively(Duration.ofSeconds(2),
        () -> Describe.value(Collections.nCopies(20_000_000, 12345)));
    assertTrue(text.startsWith("[12345, 12345, "), text);
    assertTrue(text.endsWith(", ... (20000000 elements)]"), text);
    assertTrue(text.length() < Describe.ARGUMENT_CHARS + 40, text);
    String array = Describe.value(new long[10_000_000]);
    assertTrue(array.endsWith("... (10000000 elements)]"), array);
  }

  @Test
  void aLongStringIsCutWithAMarker() {
    String text = Describe.value("y".repeat(100_000));
    assertTrue(text.startsWith("\"yyy") && text.endsWith("...\" (100000 chars)"), text);
    assertTrue(text.length() < Describe.ARGUMENT_CHARS + 30, text);
  }

  @Test
  void aCycleOfCollectionsIsShownOnce() {
    List<Object> a = new ArrayList<>();
    List<Object> b = new ArrayList<>();
    a.add(1);
    a.add(b);
    b.add(a);
    assertEquals("[1, [(this ArrayList)]]", Describe.value(a, 200));
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("self", map);
    assertEquals("{\"self\"=(this LinkedHashMap)}", Describe.value(map));
  }

  @Test
  void deepNestingIsCutAtTheDepthBound() {
    Object nested = List.of(List.of(List.of(List.of(List.of(1)))));
    assertEquals("[[[[... (1 elements)]]]]", Describe.value(nested));
  }

  @Test
  void aToStringThatThrowsOrRecursesIsReplacedByClassAndIdentity() {
    Object throwing = new Object() {
      @Override
      public String toString() {
        throw new IllegalStateException("no");
      }
    };
    String text = Describe.value(throwing);
    assertTrue(text.startsWith(throwing.getClass().getName() + "@"), text);
    assertTrue(text.endsWith("(toString() threw IllegalStateException)"), text);
    Object recursing = new Object() {
      @Override
      public String toString() {
        return "again " + this;
      }
    };
    assertTrue(Describe.value(recursing).endsWith("(toString() threw StackOverflowError)"));
    assertEquals("[1, " + Describe.value(throwing) + "]", Describe.value(List.of(1, throwing), 500));
  }

  @Test
  void aCollectionWhoseIterationFailsIsNamedByIdentity() {
    List<Integer> broken = new AbstractList<>() {
      @Override
      public Integer get(int index) {
        throw new IndexOutOfBoundsException("broken");
      }

      @Override
      public int size() {
        return 3;
      }
    };
    String text = Describe.value(broken);
    assertTrue(text.startsWith(broken.getClass().getName() + "@"), text);
    assertTrue(text.endsWith("Exception while describing it)"), text);
  }

  @Test
  void aThrowableWhoseToStringThrowsIsNamedByIdentity() {
    RuntimeException hostile = new RuntimeException() {
      @Override
      public String getMessage() {
        throw new IllegalStateException("no message");
      }
    };
    assertTrue(Describe.throwable(hostile).endsWith("(toString() threw IllegalStateException)"));
    String longMessage = Describe.throwable(new RuntimeException("z".repeat(50_000)));
    assertTrue(longMessage.length() < Describe.THROWABLE_CHARS + 30, longMessage);
  }
}

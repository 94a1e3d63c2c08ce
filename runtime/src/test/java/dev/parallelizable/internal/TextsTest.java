package dev.parallelizable.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Counts and durations as messages show them. */
class TextsTest {
  @Test
  void countsAreSingularForOne() {
    assertEquals("1 worker", Texts.count(1, "worker"));
    assertEquals("2 workers", Texts.count(2, "worker"));
    assertEquals("0 threads", Texts.count(0, "thread"));
  }

  @Test
  void theLongestAndShortestDurationsAreNamedToo() {
    assertEquals("2562047788015215 h 30 min 7 s", Texts.duration(Duration.ofSeconds(Long.MAX_VALUE)));
    assertEquals("-2562047788015215 h 30 min 7 s", Texts.duration(Duration.ofSeconds(-Long.MAX_VALUE)));
    assertEquals(Duration.ofSeconds(Long.MIN_VALUE).toString(), Texts.duration(Duration.ofSeconds(Long.MIN_VALUE)));
    assertEquals("1.001 s", Texts.duration(Duration.ofMillis(1001)));
    assertEquals("2.5 s", Texts.duration(Duration.ofMillis(2500)));
  }

  @Test
  void durationsReadAsAPersonWritesThem() {
    assertEquals("100 ms", Texts.duration(Duration.ofMillis(100)));
    assertEquals("1.5 ms", Texts.duration(Duration.ofNanos(1_500_000)));
    assertEquals("250 µs", Texts.duration(Duration.ofNanos(250_000)));
    assertEquals("7 ns", Texts.duration(Duration.ofNanos(7)));
    assertEquals("0 s", Texts.duration(Duration.ZERO));
    assertEquals("2 s", Texts.duration(Duration.ofSeconds(2)));
    assertEquals("1.5 s", Texts.duration(Duration.ofMillis(1500)));
    assertEquals("1 min 30 s", Texts.duration(Duration.ofSeconds(90)));
    assertEquals("2 min", Texts.duration(Duration.ofMinutes(2)));
    assertEquals("2 h 5 min", Texts.duration(Duration.ofMinutes(125)));
    assertEquals("-100 ms", Texts.duration(Duration.ofMillis(-100)));
  }
}

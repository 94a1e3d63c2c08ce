package dev.parallelizable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parallelizable.spi.RemoteSettings;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every way to name a pool checks the name where it is given, by one rule, with a message naming
 * the value and the rule; and the thread-pool builder checks its other option as the process-pool
 * builder does.
 */
class PoolNameRulesTest {
  private static final String LONGEST = "n".repeat(64);

  /** Each way to give a name, without building a pool. */
  private static final List<Function<String, Object>> NAMERS = List.of(
      name -> Parallel.threadPool().name(name),
      name -> Parallel.virtualThreadPool().name(name),
      name -> Parallel.processPool().name(name),
      RemoteSettings::checkPoolName,
      name -> RemoteSettings.builder("remote pool 1 (1 worker)", 1).poolName(name));

  private static void assertRejected(Class<? extends RuntimeException> type, String message, Executable call) {
    RuntimeException rejected = assertThrows(type, call);
    assertEquals(message, rejected.getMessage());
  }

  private static void assertNameRejected(String message, String name) {
    for (Function<String, Object> namer : NAMERS) {
      assertRejected(IllegalArgumentException.class, message, () -> namer.apply(name));
    }
    assertRejected(IllegalArgumentException.class, message, () -> Parallel.sequential(name));
  }

  @Test
  void aNameIsNotNullNorBlank() {
    assertNameRejected("name must not be null; leave it unset for the default name", null);
    assertNameRejected("name must not be blank, got ''; leave it unset for the default name", "");
    assertNameRejected("name must not be blank, got '   '; leave it unset for the default name", "   ");
  }

  @Test
  void aNameHasAtMost64Characters() {
    assertNameRejected(
        "name must be at most 64 characters, got 65: '" + LONGEST + "...'", LONGEST + "x");
    for (Function<String, Object> namer : NAMERS) {
      namer.apply(LONGEST);
    }
  }

  @Test
  void aNameHasNoControlCharacterAndIsQuotedOnOneLine() {
    assertNameRejected(
        "name must not contain control characters, got U+000A at index 6 of 'thumbs\\u000A2'", "thumbs\n2");
    assertNameRejected(
        "name must not contain control characters, got U+0009 at index 0 of '\\u0009jobs'", "\tjobs");
  }

  @Test
  void aNameMayHoldSpacesPunctuationAndAnyScript() {
    for (String name : List.of("thumbnails", "render farm #2", "étiquettes-ü", "画像", "a")) {
      for (Function<String, Object> namer : NAMERS) {
        namer.apply(name);
      }
      try (Pool pool = Parallel.sequential(name)) {
        assertEquals(name, pool.name());
      }
    }
  }

  @Test
  void aBuilderNameIsSetOnce() {
    assertRejected(IllegalStateException.class, "name was already set to 'a'",
        () -> Parallel.threadPool().name("a").name("b"));
    assertRejected(IllegalStateException.class, "name was already set to 'a'",
        () -> Parallel.processPool().name("a").name("b"));
  }

  @Test
  void aThreadPoolBuilderChecksItsThreads() {
    assertRejected(IllegalArgumentException.class, "threads must be positive, got 0",
        () -> Parallel.threadPool().threads(0));
    assertRejected(IllegalArgumentException.class, "threads must be positive, got -1",
        () -> Parallel.threads(-1));
    assertRejected(IllegalArgumentException.class, "threads must be positive, got 0",
        () -> Parallel.virtualThreads(0));
    assertRejected(IllegalStateException.class, "threads was already set to 2",
        () -> Parallel.threadPool().threads(2).threads(3));
    assertEquals("ThreadPoolBuilder[platform, threads=2, name='thumbnails', threadFactory=default]",
        Parallel.threadPool().threads(2).name("thumbnails").toString());
    assertEquals("ThreadPoolBuilder[virtual, threads=default, name=default, threadFactory=default]",
        Parallel.virtualThreadPool().toString());
  }
}

package dev.parallelizable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.fixtures.Copies;
import dev.parallelizable.fixtures.CopiesParallel;
import dev.parallelizable.fixtures.WorkParallel;
import dev.parallelizable.process.TextCodec;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Parallel.sequentialThroughCodec()} fails where a process pool fails, with the same
 * exception types and messages, and hands out copies; its general contract is in the contract
 * suites ({@link PoolKind}).
 */
@Timeout(120)
class ThroughCodecPoolTest {
  private static final Duration BOUND = Duration.ofSeconds(60);
  private static Pool processes;

  @BeforeAll
  static void startProcessPool() {
    processes = Parallel.processes(1);
  }

  @AfterAll
  static void stopProcessPool() {
    processes.terminate();
  }

  /** A class that is not Serializable. */
  static final class Plain {
    @Override
    public String toString() {
      return "a plain value";
    }
  }

  static List<Object> unencodableArguments() {
    Supplier<String> lambda = () -> "not serializable";
    return List.of(new Plain(), Optional.of(42), lambda);
  }

  @ParameterizedTest
  @MethodSource("unencodableArguments")
  void anArgumentThatCannotBeEncodedFailsTheSubmitAsOnAProcessPool(Object argument) {
    try (Pool pool = Parallel.sequentialThroughCodec()) {
      IllegalArgumentException here =
          assertThrows(IllegalArgumentException.class, () -> pool.applyAsync(WorkParallel.echo(argument)));
      IllegalArgumentException there =
          assertThrows(IllegalArgumentException.class, () -> processes.applyAsync(WorkParallel.echo(argument)));
      assertEquals(there.getMessage(), here.getMessage());
      assertEquals(there.getCause().getClass(), here.getCause().getClass());
      assertTrue(here.getMessage().contains(argument.getClass().getName()), here.getMessage());
    }
  }

  @Test
  void aResultThatCannotBeEncodedFailsItsTaskAsOnAProcessPool() {
    try (Pool pool = Parallel.sequentialThroughCodec()) {
      TaskFailedException here = assertThrows(
          TaskFailedException.class, () -> pool.applyAsync(WorkParallel.unserializableResult()).get(BOUND));
      TaskFailedException there = assertThrows(
          TaskFailedException.class, () -> processes.applyAsync(WorkParallel.unserializableResult()).get(BOUND));
      assertEquals(there.getCause().getClass(), here.getCause().getClass());
      assertEquals(inTheCaller(there.getMessage()), here.getMessage());
      assertEquals(inTheCaller(there.getCause().getMessage()), here.getCause().getMessage());
      assertTrue(here.getMessage().contains("could not be sent back from the calling thread"), here.getMessage());
    }
  }

  @Test
  void anExceptionThatCannotBeEncodedFailsItsTaskAsOnAProcessPool() {
    try (Pool pool = Parallel.sequentialThroughCodec()) {
      TaskFailedException here = assertThrows(
          TaskFailedException.class, () -> pool.applyAsync(WorkParallel.throwUnserializable("held a thread")).get(BOUND));
      TaskFailedException there = assertThrows(
          TaskFailedException.class,
          () -> processes.applyAsync(WorkParallel.throwUnserializable("held a thread")).get(BOUND));
      assertEquals(RemoteException.class, here.getCause().getClass());
      assertEquals(there.getMessage(), here.getMessage());
      assertEquals(there.getCause().getMessage(), here.getCause().getMessage());
      assertEquals(there.getCause().getSuppressed()[0].getMessage(), here.getCause().getSuppressed()[0].getMessage());
    }
  }

  @Test
  void aResultIsACopyOfWhatTheTaskKept() {
    Copies.KEPT.clear();
    try (Pool pool = Parallel.sequentialThroughCodec()) {
      List<String> result = pool.apply(CopiesParallel.keep("first"));
      assertEquals(List.of("first"), result);
      assertNotSame(Copies.KEPT, result);
      result.add("changed by the caller");
      assertEquals(List.of("first"), Copies.KEPT, "the task's own list is untouched");
    } finally {
      Copies.KEPT.clear();
    }
  }

  @Test
  void anArgumentIsACopyOfWhatTheCallerPassed() {
    ArrayList<String> mine = new ArrayList<>(List.of("mine"));
    try (Pool pool = Parallel.sequentialThroughCodec()) {
      List<String> result = pool.apply(CopiesParallel.append(mine, "theirs"));
      assertEquals(List.of("mine", "theirs"), result);
      assertEquals(List.of("mine"), mine, "the caller's list is untouched");
    }
  }

  @Test
  void aGivenCodecIsTheOneEveryValueGoesThrough() {
    try (Pool pool = Parallel.sequentialThroughCodec(new TextCodec())) {
      assertEquals("echoed", pool.apply(WorkParallel.echo("echoed")));
      IllegalArgumentException refused =
          assertThrows(IllegalArgumentException.class, () -> pool.applyAsync(WorkParallel.echo(new Serial())));
      assertTrue(refused.getMessage().contains("TextCodec writes only strings and whole numbers"), refused.getMessage());
    }
  }

  @Test
  void aNullCodecIsRefusedNamingTheFix() {
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> Parallel.sequentialThroughCodec(null));
    assertTrue(refused.getMessage().contains("Codec.serialization()"), refused.getMessage());
  }

  /** Serializable, but not a value the text codec writes. */
  static final class Serial implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /** {@code message} of a process pool's worker with the worker's name replaced by the caller's. */
  private static String inTheCaller(String message) {
    Matcher worker = Pattern.compile("from worker-\\d+:").matcher(message);
    assertTrue(worker.find(), message);
    return worker.replaceAll("from the calling thread:");
  }
}

package dev.parallelizable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private static String invalid(Runnable option) {
    return assertThrows(IllegalArgumentException.class, option::run).getMessage();
  }

  @Test
  void defaults() {
    RetryPolicy policy = RetryPolicy.builder().build();
    assertEquals(3, policy.maxAttempts());
    assertEquals(Set.of("java.lang.Exception"), policy.retryOn());
    assertEquals(Duration.ofMillis(100), policy.initialDelay());
    assertEquals(Duration.ofSeconds(10), policy.maxDelay());
    assertEquals(2.0, policy.multiplier());
    assertEquals(0.5, policy.jitter());
    assertFalse(policy.retriesTimeouts());
  }

  @Test
  void badValuesFailAtOnceNamingTheOptionAndTheValue() {
    assertEquals("maxAttempts must be at least 1 (the first run), got 0; 1 never retries",
        invalid(() -> RetryPolicy.builder().maxAttempts(0)));
    assertEquals("backoff's initial delay must not be negative, got PT-0.001S",
        invalid(() -> RetryPolicy.builder().backoff(Duration.ofMillis(-1), Duration.ofSeconds(1), 2)));
    assertEquals("backoff's largest delay (PT0.1S) must not be shorter than its initial delay (PT1S)",
        invalid(() -> RetryPolicy.builder().backoff(Duration.ofSeconds(1), Duration.ofMillis(100), 2)));
    assertEquals("backoff's multiplier must be at least 1 and finite, got 0.5",
        invalid(() -> RetryPolicy.builder().backoff(Duration.ZERO, Duration.ZERO, 0.5)));
    assertEquals("backoff's multiplier must be at least 1 and finite, got NaN",
        invalid(() -> RetryPolicy.builder().backoff(Duration.ZERO, Duration.ZERO, Double.NaN)));
    assertEquals("backoff's largest delay must be at most a day, got PT48H",
        invalid(() -> RetryPolicy.builder().backoff(Duration.ZERO, Duration.ofDays(2), 1)));
    assertEquals("jitter must be between 0 and 1, got 1.5", invalid(() -> RetryPolicy.builder().jitter(1.5)));
    assertEquals("jitter must be between 0 and 1, got -0.1", invalid(() -> RetryPolicy.builder().jitter(-0.1)));
    assertEquals("retryOn class names must be binary class names such as \"java.io.IOException\", got \" x\"",
        invalid(() -> RetryPolicy.builder().retryOn(" x")));
    assertEquals("retryOn needs at least one exception type, e.g. retryOn(IOException.class)",
        invalid(() -> RetryPolicy.builder().retryOn(noTypes())));
    assertEquals("retryOn needs at least one class name, e.g. retryOn(\"java.io.IOException\")",
        invalid(() -> RetryPolicy.builder().retryOn(new String[0])));
  }

  @Test
  void anOptionIsSetOnce() {
    IllegalStateException twice = assertThrows(IllegalStateException.class,
        () -> RetryPolicy.builder().maxAttempts(2).maxAttempts(3));
    assertEquals("maxAttempts was already set to 2", twice.getMessage());
    twice = assertThrows(IllegalStateException.class,
        () -> RetryPolicy.builder().fixedDelay(Duration.ofMillis(5)).backoff(Duration.ZERO, Duration.ZERO, 1));
    assertEquals("backoff was already set to PT0.005S..PT0.005S x1.0", twice.getMessage());
  }

  @Test
  void delaysGrowByTheMultiplierUpToTheLargest() {
    RetryPolicy policy =
        RetryPolicy.builder().backoff(Duration.ofMillis(10), Duration.ofMillis(50), 3).build();
    assertEquals(List.of(Duration.ofMillis(10), Duration.ofMillis(30), Duration.ofMillis(50), Duration.ofMillis(50)),
        List.of(policy.delay(1), policy.delay(2), policy.delay(3), policy.delay(40)));
    assertEquals("retry counts from 1 (the second run), got 0", invalid(() -> policy.delay(0)));
  }

  @Test
  void theExtremesOfEachNumericOptionAreAcceptedOrRejectedByName() {
    assertEquals(1, RetryPolicy.builder().maxAttempts(1).build().maxAttempts());
    assertEquals(Integer.MAX_VALUE, RetryPolicy.builder().maxAttempts(Integer.MAX_VALUE).build().maxAttempts());
    assertEquals("maxAttempts must be at least 1 (the first run), got -2147483648; 1 never retries",
        invalid(() -> RetryPolicy.builder().maxAttempts(Integer.MIN_VALUE)));

    assertEquals("backoff's initial delay must be at most a day, got PT2400000H",
        invalid(() -> RetryPolicy.builder().fixedDelay(Duration.ofDays(100_000))));
    assertEquals("backoff's initial delay must be at most a day, got PT2562047H47M16.854775807S",
        invalid(() -> RetryPolicy.builder().fixedDelay(Duration.ofNanos(Long.MAX_VALUE))));
    assertEquals("backoff's initial delay must be at most a day, got PT2562047788015215H30M7.999999999S",
        invalid(() -> RetryPolicy.builder().fixedDelay(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999))));
    assertEquals("backoff's initial delay must not be negative, got PT-2562047788015215H-30M-8S",
        invalid(() -> RetryPolicy.builder().fixedDelay(Duration.ofSeconds(Long.MIN_VALUE))));
    assertEquals("backoff's largest delay must be at most a day, got PT2562047H47M16.854775807S",
        invalid(() -> RetryPolicy.builder().backoff(Duration.ZERO, Duration.ofNanos(Long.MAX_VALUE), 2)));
    assertEquals("backoff's multiplier must be at least 1 and finite, got Infinity",
        invalid(() -> RetryPolicy.builder().backoff(Duration.ZERO, Duration.ZERO, Double.POSITIVE_INFINITY)));
    assertEquals("jitter must be between 0 and 1, got NaN", invalid(() -> RetryPolicy.builder().jitter(Double.NaN)));

    // the largest values accepted give delays within [0, maxDelay], never a negative or overflowed one
    Duration day = Duration.ofDays(1);
    RetryPolicy steepest = RetryPolicy.builder().maxAttempts(Integer.MAX_VALUE)
        .backoff(day, day, Double.MAX_VALUE).jitter(1).build();
    RetryPolicy fromZero = RetryPolicy.builder().backoff(Duration.ZERO, day, Double.MAX_VALUE).build();
    RetryPolicy flat = RetryPolicy.builder().fixedDelay(Duration.ZERO).jitter(0).build();
    for (int retry : new int[] {1, 2, 1_000, Integer.MAX_VALUE - 1, Integer.MAX_VALUE}) {
      assertEquals(day, steepest.delay(retry), "steepest, retry " + retry);
      assertEquals(Duration.ZERO, fromZero.delay(retry), "0 times any multiplier, retry " + retry);
      assertEquals(Duration.ZERO, flat.delay(retry), "no delay, retry " + retry);
    }
    RetryPolicy smallest = RetryPolicy.builder().backoff(Duration.ofNanos(1), day, Double.MAX_VALUE).build();
    assertEquals(List.of(Duration.ofNanos(1), day, day),
        List.of(smallest.delay(1), smallest.delay(2), smallest.delay(Integer.MAX_VALUE)));
    assertEquals("retry counts from 1 (the second run), got -2147483648",
        invalid(() -> steepest.delay(Integer.MIN_VALUE)));
  }

  @Test
  void typesMatchWithTheirSubclassesAndRemoteNames() {
    RetryPolicy io = RetryPolicy.builder().retryOn(IOException.class).build();
    assertTrue(io.retries(new FileNotFoundException("x")));
    assertFalse(io.retries(new UncheckedIOException(new IOException("x"))));
    assertTrue(io.retries(new RemoteException("java.io.IOException", "x")));
    assertFalse(io.retries(new RemoteException("com.example.Quota", "x")));
    RetryPolicy byDefault = RetryPolicy.builder().build();
    assertTrue(byDefault.retries(new IllegalStateException()));
    assertFalse(byDefault.retries(new StackOverflowError()));
    assertTrue(RetryPolicy.builder().retryOn("com.example.Quota").build()
        .retries(new RemoteException("com.example.Quota", "x")));
  }

  @SuppressWarnings("unchecked")
  private static Class<? extends Throwable>[] noTypes() {
    return (Class<? extends Throwable>[]) new Class<?>[0];
  }
}

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

package dev.parallelizable.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.ParallelException;
import dev.parallelizable.RetryPolicy;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A failure not yet decoded is retried, or not, by the names of its exception's classes alone. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RetriesTest {
  private static UndecodedFailure thrown(String... types) {
    return new UndecodedFailure(List.of(types), () -> {
      throw new AssertionError("built to decide a retry");
    });
  }

  @Test
  void anUndecodedFailureIsRetriedWhenItsClassOrASuperclassIsListed() {
    RetryPolicy policy = RetryPolicy.builder().maxAttempts(3).retryOn(java.io.IOException.class).build();
    assertTrue(Retries.retries(policy, thrown("com.example.QuotaException", "java.io.IOException",
        "java.lang.Exception", "java.lang.Throwable"), 1));
    assertTrue(Retries.retries(policy, thrown("java.io.IOException", "java.lang.Exception"), 2));
    assertFalse(Retries.retries(policy, thrown("java.io.IOException"), 3), "the last allowed run");
    assertFalse(Retries.retries(policy, thrown("java.lang.IllegalStateException", "java.lang.RuntimeException",
        "java.lang.Exception", "java.lang.Throwable"), 1));
  }

  @Test
  void anUndecodedFailureThatIsNoExceptionOfTheTaskIsNotRetried() {
    RetryPolicy policy = RetryPolicy.builder().build();
    assertFalse(Retries.retries(policy, new UndecodedFailure(null, () -> new ParallelException("lost")), 1));
  }
}

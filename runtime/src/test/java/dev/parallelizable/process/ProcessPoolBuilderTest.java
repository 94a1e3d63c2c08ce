package dev.parallelizable.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.Codec;
import dev.parallelizable.CrashPolicy;
import dev.parallelizable.Parallel;
import dev.parallelizable.ProcessPoolBuilder;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The builder fails fast, where the mistake is made, naming the option and the value. */
class ProcessPoolBuilderTest {

  private static void assertRejected(Class<? extends RuntimeException> type, String message, Executable call) {
    RuntimeException rejected = assertThrows(type, call);
    assertEquals(message, rejected.getMessage());
  }

  @Test
  void countsMustBePositive() {
    assertRejected(IllegalArgumentException.class, "workers must be positive, got 0",
        () -> Parallel.processPool().workers(0));
    assertRejected(IllegalArgumentException.class, "workers must be positive, got -2",
        () -> Parallel.processes(-2));
    assertRejected(IllegalArgumentException.class, "maxTasksPerWorker must be positive, got 0",
        () -> Parallel.processPool().maxTasksPerWorker(0));
  }

  @Test
  void anOptionIsSetOnce() {
    assertRejected(IllegalStateException.class, "workers was already set to 2",
        () -> Parallel.processPool().workers(2).workers(3));
    assertRejected(IllegalStateException.class, "taskTimeout was already set to 1 s",
        () -> Parallel.processPool().taskTimeout(Duration.ofSeconds(1)).taskTimeout(Duration.ofSeconds(2)));
    assertRejected(IllegalStateException.class, "crashPolicy was already set to CrashPolicy.retry(2)",
        () -> Parallel.processPool().crashPolicy(CrashPolicy.retry(2)).crashPolicy(CrashPolicy.fail()));
  }

  @Test
  void theSharedArrayThresholdIsNotNegativeAndSetOnce() {
    assertRejected(IllegalArgumentException.class,
        "sharedArrayThreshold must be at least 1 byte, or 0 to share no array, got -1",
        () -> Parallel.processPool().sharedArrayThreshold(-1));
    assertRejected(IllegalStateException.class, "sharedArrayThreshold was already set to 0",
        () -> Parallel.processPool().sharedArrayThreshold(0).sharedArrayThreshold(1));
  }

  @Test
  void durationsMustBePositive() {
    assertRejected(IllegalArgumentException.class, "taskTimeout must be positive, got 0 s",
        () -> Parallel.processPool().taskTimeout(Duration.ZERO));
    assertRejected(IllegalArgumentException.class, "idleTimeout must be positive, got -1 s",
        () -> Parallel.processPool().idleTimeout(Duration.ofSeconds(-1)));
    assertRejected(IllegalArgumentException.class, "taskTimeout must be positive, got null",
        () -> Parallel.processPool().taskTimeout(null));
  }

  @Test
  void jvmOptionsAreChecked() {
    assertRejected(IllegalArgumentException.class, "jvmOptions must start with '-', got 'Xmx1g'",
        () -> Parallel.processPool().jvmOptions("Xmx1g"));
    assertRejected(IllegalArgumentException.class,
        "jvmOptions must not set the classpath (got '-cp'); use classpath(...)",
        () -> Parallel.processPool().jvmOptions("-cp", "lib/*"));
    assertRejected(IllegalArgumentException.class, "maxHeap must be a size such as 512m or 2g, got 'lots'",
        () -> Parallel.processPool().maxHeap("lots"));
    assertRejected(IllegalArgumentException.class,
        "systemProperty name must be non-empty, without '=' or whitespace, got 'a=b'",
        () -> Parallel.processPool().systemProperty("a=b", "c"));
    assertRejected(IllegalArgumentException.class, "systemProperty color must have a value, got null",
        () -> Parallel.processPool().systemProperty("color", null));
  }

  @Test
  void whereWorkersComeFromIsChecked() {
    assertRejected(IllegalArgumentException.class, "classpath must not be empty, got ''",
        () -> Parallel.processPool().classpath(""));
    assertRejected(IllegalArgumentException.class, "classpath must not be empty, got []",
        () -> Parallel.processPool().classpath(List.of()));
    Path missing = Path.of("/no/such/jdk/bin/java");
    assertRejected(IllegalArgumentException.class,
        "javaExecutable must be an executable file, got " + missing,
        () -> Parallel.processPool().javaExecutable(missing));
  }

  @Test
  void aCodecMustBeCreatableByEachWorker() {
    Codec anonymous = new Codec() {
      @Override
      public void encode(Object value, OutputStream out) {}

      @Override
      public Object decode(InputStream in, ClassLoader loader) {
        return null;
      }
    };
    IllegalArgumentException rejected =
        assertThrows(IllegalArgumentException.class, () -> Parallel.processPool().codec(anonymous));
    assertTrue(rejected.getMessage().contains("must be a public class with a public no-argument constructor"),
        rejected.getMessage());
    assertTrue(rejected.getMessage().contains(anonymous.getClass().getName()), rejected.getMessage());
    ProcessPoolBuilder accepted = Parallel.processPool().codec(Codec.serialization());
    assertTrue(accepted.toString().contains("Codec.serialization()"));
  }

  @Test
  void retryNeedsAPositiveCount() {
    assertRejected(IllegalArgumentException.class,
        "CrashPolicy.retry(times) needs a positive number of retries, got 0; use CrashPolicy.fail() for none",
        () -> CrashPolicy.retry(0));
    assertEquals(0, CrashPolicy.fail().retries());
    assertEquals(CrashPolicy.retry(3), CrashPolicy.retry(3));
  }

  @Test
  void anEmptyClasspathIsReportedWithTheFix() {
    String classpath = System.getProperty("java.class.path");
    System.setProperty("java.class.path", "");
    try {
      IllegalStateException failure =
          assertThrows(IllegalStateException.class, () -> Parallel.processes(1));
      assertTrue(failure.getMessage().contains("java.class.path is empty"), failure.getMessage());
      assertTrue(failure.getMessage().contains("Parallel.processPool().classpath(...)"), failure.getMessage());
    } finally {
      System.setProperty("java.class.path", classpath);
    }
  }
}

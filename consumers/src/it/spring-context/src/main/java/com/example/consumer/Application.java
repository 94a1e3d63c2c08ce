package com.example.consumer;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Starts a Spring application context whose process pool is a bean, uses it through a service, then closes the context
 * and exits with an error unless the work ran in other JVMs and closing the context stopped the pool and every worker
 * JVM it started, without a warning from the library.
 */
@SpringBootApplication
public class Application {
  /** The pool of the application: the context closes it when it closes, after the beans that use it. */
  @Bean(destroyMethod = "close")
  public Pool pool() {
    return Parallel.processPool().workers(2).name("spring-pool").build();
  }

  public static void main(String[] args) throws InterruptedException {
    long parent = ProcessHandle.current().pid();
    // Spring Boot takes the JDK's logging to its own while the context runs, and lets go of it before
    // the beans are destroyed: a warning of the library while the context closes would reach no log.
    // The parent of every logger the library names (dev.parallelizable.Loggers) records them here.
    Logger library = Logger.getLogger("dev.parallelizable");
    List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    library.addHandler(new WarningRecorder(warnings));
    Pool pool;
    List<Long> squares;
    long worker;
    try (ConfigurableApplicationContext context = SpringApplication.run(Application.class, args)) {
      SquareService service = context.getBean(SquareService.class);
      pool = context.getBean(Pool.class);
      squares = service.squares(List.of(1, 2, 3, 4));
      worker = service.workerPid();
      check(pool.name().equals("spring-pool"), "the pool bean is not the application's: " + pool);
      check(squares.equals(List.of(1L, 4L, 9L, 16L)), "wrong squares " + squares);
      check(worker != parent, "the task ran in the parent JVM " + parent);
      check(!pool.isShutdown(), "the pool was shut down while the context was open");
    }
    check(pool.isShutdown(), "closing the context did not close the pool " + pool);
    List<ProcessHandle> left = childrenLeftAfter(Duration.ofSeconds(30));
    check(left.isEmpty(), "worker JVMs still running after the context closed: " + describe(left));
    check(warnings.isEmpty(), "the library warned: " + describeRecords(warnings));
    System.out.println("consumer OK: squares " + squares + " from worker JVM " + worker + " of " + pool.name()
        + ", no worker JVM left after the context closed");
  }

  /** The processes this JVM started that are still alive once the bound has passed, or none as soon as none is. */
  private static List<ProcessHandle> childrenLeftAfter(Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    List<ProcessHandle> left = ProcessHandle.current().descendants().collect(Collectors.toList());
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
      left = ProcessHandle.current().descendants().collect(Collectors.toList());
    }
    return left;
  }

  private static String describe(List<ProcessHandle> processes) {
    return processes.stream()
        .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
        .collect(Collectors.joining(", "));
  }

  private static String describeRecords(List<LogRecord> records) {
    return records.stream()
        .map(r -> r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage())
        .collect(Collectors.joining("; "));
  }

  /** Keeps the records of level WARNING and above. */
  private static final class WarningRecorder extends Handler {
    private final List<LogRecord> warnings;

    WarningRecorder(List<LogRecord> warnings) {
      this.warnings = warnings;
    }

    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        warnings.add(record);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  private static void check(boolean condition, String problem) {
    if (!condition) {
      throw new IllegalStateException(problem);
    }
  }
}

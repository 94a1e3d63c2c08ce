package dev.parallelizable.internal.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.ResultCache;
import dev.parallelizable.Task;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.support.TaskInvoker;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The version of a method in a cache key: its source fingerprint when it has one; otherwise a
 * digest of its declaring class's class file, so that an edited class misses; and where that file
 * cannot be read either, no caching at all.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MethodVersionsTest {
  private static final String CLASS = "com.example.versions.Plus";
  private static final byte[] ORIGINAL = {(byte) 0xca, (byte) 0xfe, 1, 2, 3};
  private static final byte[] EDITED = {(byte) 0xca, (byte) 0xfe, 1, 2, 4};

  @TempDir Path directory;

  private final AtomicInteger runs = new AtomicInteger();

  @Test
  void withoutAFingerprintAMethodIsKeyedByItsClassFile() {
    ResultCache cache = ResultCache.open(directory);
    try (Pool pool = cache.on(Parallel.sequential())) {
      assertEquals(8, pool.apply(task(new ClassFiles(ORIGINAL), 0, 7)));
      assertEquals(8, pool.apply(task(new ClassFiles(ORIGINAL.clone()), 0, 7)));
      assertEquals(1, runs.get(), "the same class file, loaded again, hits");

      assertEquals(8, pool.apply(task(new ClassFiles(EDITED), 0, 7)));
      assertEquals(2, runs.get(), "an edited class file misses");
    }
    List<String> versions =
        cache.inspect().stream().map(ResultCache.MethodEntries::fingerprint).toList();
    assertEquals(2, versions.size(), versions::toString);
    assertTrue(versions.stream().allMatch(v -> v.matches("class:[0-9a-f]{16}")), versions::toString);
  }

  @Test
  void aSourceFingerprintWinsOverTheClassFile() {
    ResultCache cache = ResultCache.open(directory);
    try (Pool pool = cache.on(Parallel.sequential())) {
      pool.apply(task(new ClassFiles(ORIGINAL), 0x1234, 7));
      pool.apply(task(new ClassFiles(EDITED), 0x1234, 7));
      assertEquals(1, runs.get(), "an unchanged method in a changed class hits");
    }
    assertEquals("0000000000001234", cache.inspect().get(0).fingerprint());
  }

  @Test
  void aMethodWithNeitherFingerprintNorClassFileIsNeverCached() {
    ResultCache cache = ResultCache.open(directory);
    try (CapturedLog log = new CapturedLog();
        Pool pool = cache.on(Parallel.sequential())) {
      assertEquals(8, pool.apply(task(new ClassFiles(null), 0, 7)));
      assertEquals(8, pool.apply(task(new ClassFiles(null), 0, 7)));
      assertEquals(List.of(8, 9), pool.map(x -> task(new ClassFiles(null), 0, x), List.of(7, 8)));
      assertEquals(Optional.empty(), cache.get(task(new ClassFiles(null), 0, 7)));

      assertEquals(4, runs.get(), "every call ran");
      assertEquals(new ResultCache.Stats(0, 5, 0, 0, 0, 0), cache.stats());
      assertEquals(List.of(), cache.inspect(), "nothing was stored");
      assertEquals(1, log.messages().size(), log.messages()::toString);
      String message = log.messages().get(0);
      assertTrue(
          message.startsWith("Not caching " + CLASS + ".f(int x): the annotation processor computed"
              + " no fingerprint of its source, and its class file com/example/versions/Plus.class"
              + " cannot be read"),
          message);
    }
  }

  /** A call of {@code f(x) = x + 1} of {@link #CLASS}, whose invoker {@code loader} defines. */
  private Task<Integer> task(ClassLoader loader, long fingerprint, int x) {
    TaskInvoker invoker =
        (TaskInvoker)
            Proxy.newProxyInstance(
                loader,
                new Class<?>[] {TaskInvoker.class},
                (proxy, method, arguments) ->
                    switch (method.getName()) {
                      case "invoke" -> {
                        runs.incrementAndGet();
                        yield (Integer) ((Object[]) arguments[1])[0] + 1;
                      }
                      case "batches" -> false;
                      case "hashCode" -> System.identityHashCode(proxy);
                      case "equals" -> proxy == arguments[0];
                      case "toString" -> "invoker of " + CLASS;
                      default -> throw new UnsupportedOperationException(method.toString());
                    });
    return TaskMethod.<Integer>of(invoker, "f(int)", CLASS, "f", fingerprint, "int x").bind(x);
  }

  /** A class loader whose class file of {@link #CLASS} has the given bytes, or is missing. */
  private static final class ClassFiles extends ClassLoader {
    private final byte[] classFile;

    ClassFiles(byte[] classFile) {
      super(MethodVersionsTest.class.getClassLoader());
      this.classFile = classFile;
    }

    @Override
    public InputStream getResourceAsStream(String name) {
      if (!name.equals(CLASS.replace('.', '/') + ".class")) {
        return super.getResourceAsStream(name);
      }
      return classFile == null ? null : new ByteArrayInputStream(classFile);
    }
  }

  /** Captures what the cache logs, and keeps it off the console. */
  private static final class CapturedLog extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("dev.parallelizable.cache");
    private final boolean parentHandlers = logger.getUseParentHandlers();
    private final List<String> messages = new CopyOnWriteArrayList<>();

    CapturedLog() {
      logger.setUseParentHandlers(false);
      logger.addHandler(this);
    }

    List<String> messages() {
      return messages;
    }

    @Override
    public void publish(LogRecord record) {
      messages.add(new SimpleFormatter().formatMessage(record));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      logger.removeHandler(this);
      logger.setUseParentHandlers(parentHandlers);
    }
  }
}

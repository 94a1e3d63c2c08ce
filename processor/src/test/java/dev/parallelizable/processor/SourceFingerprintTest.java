package dev.parallelizable.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.parallelizable.processor.Compilations.compile;
import static dev.parallelizable.processor.Compilations.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import com.google.testing.compile.Compilation;
import dev.parallelizable.Parallel;
import dev.parallelizable.ResultCache;
import dev.parallelizable.Task;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fingerprint the processor computes from each method's source: the same over two builds of an
 * unchanged method (reformatted and commented or not), different once the body or the declaration
 * changes, and, through a {@link ResultCache}, a rebuilt method with a changed body misses the
 * entries of the old one.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SourceFingerprintTest {
  private static final String CLASS = "com.example.fp.Scale";

  private static final String[] ORIGINAL = {
    "package com.example.fp;",
    "import dev.parallelizable.Parallelizable;",
    "public class Scale {",
    "  @Parallelizable public static int scale(int x) { return x * 2; }",
    "  @Parallelizable public static int shift(int x) { return x + 1; }",
    "}"
  };

  private static final String[] REFORMATTED = {
    "package com.example.fp;",
    "import dev.parallelizable.Parallelizable;",
    "/** Scales. */",
    "public class Scale {",
    "  /** Doubles. */",
    "  @Parallelizable",
    "  public static int scale(int x) {",
    "    // twice x",
    "    return x * 2;",
    "  }",
    "",
    "  @Parallelizable public static int shift(int x) { return x + 1; }",
    "}"
  };

  private static final String[] BODY_CHANGED = {
    "package com.example.fp;",
    "import dev.parallelizable.Parallelizable;",
    "public class Scale {",
    "  @Parallelizable public static int scale(int x) { return x * 3; }",
    "  @Parallelizable public static int shift(int x) { return x + 1; }",
    "}"
  };

  private static final String[] DECLARATION_CHANGED = {
    "package com.example.fp;",
    "import dev.parallelizable.Parallelizable;",
    "public class Scale {",
    "  @Parallelizable public static int scale(final int x) { return x * 2; }",
    "  @Parallelizable public static int shift(int x) { return x + 1; }",
    "}"
  };

  @Test
  void anUnchangedMethodKeepsItsFingerprintAcrossBuilds() throws Exception {
    String first = fingerprint(build(ORIGINAL), "scale");
    assertTrue(first.matches("[0-9a-f]{16}"), first);
    assertEquals(first, fingerprint(build(ORIGINAL), "scale"));
    assertEquals(first, fingerprint(build(REFORMATTED), "scale"), "comments and layout do not count");
  }

  @Test
  void editingTheBodyOrTheDeclarationChangesOnlyThatMethodsFingerprint() throws Exception {
    ClassLoader original = build(ORIGINAL);
    ClassLoader bodyChanged = build(BODY_CHANGED);
    ClassLoader declarationChanged = build(DECLARATION_CHANGED);

    assertNotEquals(fingerprint(original, "scale"), fingerprint(bodyChanged, "scale"));
    assertNotEquals(fingerprint(original, "scale"), fingerprint(declarationChanged, "scale"));
    assertEquals(fingerprint(original, "shift"), fingerprint(bodyChanged, "shift"));
    assertNotEquals(fingerprint(original, "scale"), fingerprint(original, "shift"));
  }

  @Test
  void aRebuiltMethodWithAChangedBodyMissesTheOldEntries(@TempDir Path directory) throws Exception {
    ClassLoader original = build(ORIGINAL);
    ClassLoader rebuilt = build(ORIGINAL);
    ClassLoader changed = build(BODY_CHANGED);
    ResultCache cache = ResultCache.open(directory);

    assertEquals(14, cache.on(Parallel.sequential()).apply(task(original, "scale", 7)));
    assertEquals(1, cache.stats().misses());

    assertEquals(14, cache.on(Parallel.sequential()).apply(task(rebuilt, "scale", 7)));
    assertEquals(1, cache.stats().hits(), "an unchanged rebuild keeps the entry");

    assertEquals(21, cache.on(Parallel.sequential()).apply(task(changed, "scale", 7)));
    assertEquals(2, cache.stats().misses(), "a changed body misses");
    assertEquals(21, cache.on(Parallel.sequential()).apply(task(changed, "scale", 7)));
    assertEquals(2, cache.stats().hits());
  }

  private static ClassLoader build(String[] lines) {
    Compilation compilation = compile(source(CLASS, lines));
    assertThat(compilation).succeededWithoutWarnings();
    return new CompiledClassLoader(compilation, SourceFingerprintTest.class.getClassLoader());
  }

  private static String fingerprint(ClassLoader loader, String method) throws Exception {
    return task(loader, method, 1).method().fingerprint();
  }

  private static Task<?> task(ClassLoader loader, String method, int argument) throws Exception {
    return (Task<?>)
        loader.loadClass(CLASS + "Parallel").getMethod(method, int.class).invoke(null, argument);
  }
}

package dev.parallelizable.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.parallelizable.processor.Compilations.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.parallelizable.Parallel;
import dev.parallelizable.ResultCache;
import dev.parallelizable.Task;
import dev.parallelizable.processor.WrappingProcessor.Wrapping;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.annotation.processing.Processor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fingerprint the processor computes from each method's source: the same over two builds of an
 * unchanged method (reformatted and commented or not), different once the body or the declaration
 * changes, and, through a {@link ResultCache}, a rebuilt method with a changed body misses the
 * entries of the old one. Behind the wrappers of javac's environment that build tools use, the
 * fingerprint is javac's all the same; behind one that hides javac's environment there is none, and
 * the cache keys the method by its class file.
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

  private static final String[] PLUS_ONE = {
    "package com.example.fp;",
    "import dev.parallelizable.Parallelizable;",
    "public class Scale {",
    "  @Parallelizable public static int f(int x) { return x + 1; }",
    "}"
  };

  private static final String[] PLUS_TWO = {
    "package com.example.fp;",
    "import dev.parallelizable.Parallelizable;",
    "public class Scale {",
    "  @Parallelizable public static int f(int x) { return x + 2; }",
    "}"
  };

  private static final Pattern GENERATED_FINGERPRINT = Pattern.compile("0x[0-9a-f]{16}L");

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

  @ParameterizedTest
  @EnumSource(
      value = Wrapping.class,
      names = {"DELEGATING_CLASS", "PROXY", "PROXY_AROUND_DELEGATING_CLASS"})
  void behindABuildToolsWrapperTheFingerprintIsJavacsOwn(Wrapping wrapping) {
    String plusOne = generatedFingerprint(compile(new WrappingProcessor(wrapping), PLUS_ONE));
    String plusTwo = generatedFingerprint(compile(new WrappingProcessor(wrapping), PLUS_TWO));

    assertTrue(plusOne.matches("0x[0-9a-f]{16}L"), plusOne);
    assertNotEquals("0x0000000000000000L", plusOne);
    assertNotEquals(plusOne, plusTwo, "editing the body changes the fingerprint");
    assertEquals(
        generatedFingerprint(compile(new ParallelizableProcessor(), PLUS_ONE)),
        plusOne,
        "the same as without the wrapper");
  }

  @Test
  void behindAWrapperThatHidesJavacsEnvironmentNoFingerprintIsGenerated() throws Exception {
    Compilation compilation = compile(new WrappingProcessor(Wrapping.OPAQUE), PLUS_ONE);

    assertEquals("", generatedFingerprint(compilation));
    ClassLoader loader =
        new CompiledClassLoader(compilation, SourceFingerprintTest.class.getClassLoader());
    assertEquals("", fingerprint(loader, "f"));
  }

  @Test
  void withoutAFingerprintTheCacheKeysTheMethodByItsClassFile(@TempDir Path directory)
      throws Exception {
    ClassLoader plusOne = build(new WrappingProcessor(Wrapping.OPAQUE), PLUS_ONE);
    ClassLoader rebuilt = build(new WrappingProcessor(Wrapping.OPAQUE), PLUS_ONE);
    ClassLoader plusTwo = build(new WrappingProcessor(Wrapping.OPAQUE), PLUS_TWO);
    ResultCache cache = ResultCache.open(directory);

    assertEquals(8, cache.on(Parallel.sequential()).apply(task(plusOne, "f", 7)));
    assertEquals(1, cache.stats().misses());

    assertEquals(8, cache.on(Parallel.sequential()).apply(task(rebuilt, "f", 7)));
    assertEquals(1, cache.stats().hits(), "an unchanged rebuild keeps the entry");

    assertEquals(9, cache.on(Parallel.sequential()).apply(task(plusTwo, "f", 7)));
    assertEquals(2, cache.stats().misses(), "the edited class misses");
    assertEquals(9, cache.on(Parallel.sequential()).apply(task(plusTwo, "f", 7)));
    assertEquals(2, cache.stats().hits());

    List<String> versions =
        cache.inspect().stream().map(ResultCache.MethodEntries::fingerprint).toList();
    assertEquals(2, versions.size(), versions::toString);
    assertTrue(
        versions.stream().allMatch(v -> v.matches("class:[0-9a-f]{16}")), versions::toString);
  }

  private static Compilation compile(Processor processor, String[] lines) {
    Compilation compilation = javac().withProcessors(processor).compile(source(CLASS, lines));
    assertThat(compilation).succeededWithoutWarnings();
    return compilation;
  }

  /** The fingerprint the generated class passes to {@code TaskMethod.of}, or "" if none. */
  private static String generatedFingerprint(Compilation compilation) {
    try {
      String generated =
          compilation.generatedSourceFile(CLASS + "Parallel").orElseThrow().getCharContent(true)
              .toString();
      Matcher fingerprint = GENERATED_FINGERPRINT.matcher(generated);
      return fingerprint.find() ? fingerprint.group() : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ClassLoader build(String[] lines) {
    return build(new ParallelizableProcessor(), lines);
  }

  private static ClassLoader build(Processor processor, String[] lines) {
    return new CompiledClassLoader(
        compile(processor, lines), SourceFingerprintTest.class.getClassLoader());
  }

  private static String fingerprint(ClassLoader loader, String method) throws Exception {
    return task(loader, method, 1).method().fingerprint();
  }

  private static Task<?> task(ClassLoader loader, String method, int argument) throws Exception {
    return (Task<?>)
        loader.loadClass(CLASS + "Parallel").getMethod(method, int.class).invoke(null, argument);
  }
}

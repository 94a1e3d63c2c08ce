package dev.parallelizable.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.parallelizable.processor.Compilations.compile;
import static dev.parallelizable.processor.Compilations.source;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * {@code [Parallelizable.notEncodable]}: a warning, not an error, for each parameter or result
 * whose type the default codec can never encode (docs/compile-errors.md gives the rule), silenced by
 * {@code @SuppressWarnings("Parallelizable.notEncodable")} for methods that only run on threads.
 */
class NotEncodableWarningTest {
  private static final String SUFFIX =
      "; the default codec can never encode it, so calls fail on a process pool or a cluster,"
          + " though they run on threads; ";
  private static final String SILENCE =
      ", or, if the method only runs on threads, annotate it with"
          + " @SuppressWarnings(\"Parallelizable.notEncodable\")";

  @Test
  void optionalParameter() {
    JavaFileObject file =
        source(
            "com.example.Lookups",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "import java.util.Optional;",
            "class Lookups {",
            "  @Parallelizable static int orZero(",
            "      Optional<Integer> value) {",
            "    return value.orElse(0);",
            "  }",
            "}");
    Compilation compilation = compile(file);

    assertThat(compilation).succeeded();
    assertThat(compilation)
        .hadWarningContaining(
            "[Parallelizable.notEncodable] parameter 'value' of @Parallelizable method 'orZero'"
                + " has type 'java.util.Optional<java.lang.Integer>', which is a final class that"
                + " does not implement java.io.Serializable"
                + SUFFIX
                + "use the value itself, or null, in its place"
                + SILENCE)
        .inFile(file)
        .onLineContaining("Optional<Integer> value");
    assertEquals(1, compilation.warnings().size(), () -> compilation.warnings().toString());
    assertThat(compilation).generatedSourceFile("com.example.LookupsParallel");
  }

  @Test
  void resultOfAFinalClassAndParameterOfARecord() {
    JavaFileObject file =
        source(
            "com.example.Handles",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Handles {",
            "  static final class Handle {}",
            "  record Size(int width) {}",
            "  @Parallelizable static Handle open(int id) { return new Handle(); }",
            "  @Parallelizable static int width(Size size) { return size.width(); }",
            "}");
    Compilation compilation = compile(file);

    assertThat(compilation).succeeded();
    assertThat(compilation)
        .hadWarningContaining(
            "[Parallelizable.notEncodable] the result of @Parallelizable method 'open' has type"
                + " 'com.example.Handles.Handle', which is a final class that does not implement"
                + " java.io.Serializable"
                + SUFFIX
                + "make 'Handle' implement java.io.Serializable and declare a serialVersionUID, or"
                + " use a serializable type in its place"
                + SILENCE)
        .inFile(file)
        .onLineContaining("Handle open(int id)");
    assertThat(compilation)
        .hadWarningContaining(
            "[Parallelizable.notEncodable] parameter 'size' of @Parallelizable method 'width' has"
                + " type 'com.example.Handles.Size', which is a record that does not implement"
                + " java.io.Serializable"
                + SUFFIX
                + "add 'implements java.io.Serializable' to record 'Size'"
                + SILENCE)
        .inFile(file)
        .onLineContaining("int width(Size size)");
    assertEquals(2, compilation.warnings().size(), () -> compilation.warnings().toString());
  }

  @Test
  void functionalInterfacesThreadsStreamsAndArraysOfThem() {
    JavaFileObject file =
        source(
            "com.example.Handlers",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "import java.io.InputStream;",
            "import java.util.function.Function;",
            "import java.util.stream.Stream;",
            "class Handlers {",
            "  @Parallelizable static int apply(Function<Integer, Integer> function) { return 1; }",
            "  @Parallelizable static int runAll(Runnable... tasks) { return tasks.length; }",
            "  @Parallelizable static String name(Thread thread) { return thread.getName(); }",
            "  @Parallelizable static int read(InputStream in) throws java.io.IOException {",
            "    return in.read();",
            "  }",
            "  @Parallelizable static Stream<String> lines(String text) { return text.lines(); }",
            "}");
    Compilation compilation = compile(file);

    assertThat(compilation).succeeded();
    assertThat(compilation)
        .hadWarningContaining(
            "[Parallelizable.notEncodable] parameter 'function' of @Parallelizable method 'apply'"
                + " has type 'java.util.function.Function<java.lang.Integer,java.lang.Integer>',"
                + " which is a functional interface that does not extend java.io.Serializable, so"
                + " its lambdas and method references are not serializable"
                + SUFFIX
                + "use data that says what to do in its place, or a functional interface that"
                + " extends java.io.Serializable"
                + SILENCE)
        .inFile(file)
        .onLineContaining("Function<Integer, Integer> function");
    assertThat(compilation)
        .hadWarningContaining(
            "parameter 'tasks' of @Parallelizable method 'runAll' has type 'java.lang.Runnable[]',"
                + " whose elements are of type 'java.lang.Runnable', which is a functional"
                + " interface")
        .inFile(file)
        .onLineContaining("Runnable... tasks");
    assertThat(compilation)
        .hadWarningContaining(
            "parameter 'thread' of @Parallelizable method 'name' has type 'java.lang.Thread',"
                + " which is a thread, which belongs to the JVM that made it"
                + SUFFIX
                + "use the data it works on in its place")
        .inFile(file)
        .onLineContaining("Thread thread");
    assertThat(compilation)
        .hadWarningContaining(
            "parameter 'in' of @Parallelizable method 'read' has type 'java.io.InputStream', which"
                + " is an input stream, which belongs to the JVM that made it"
                + SUFFIX
                + "use the bytes, or a path to them, in its place")
        .inFile(file)
        .onLineContaining("InputStream in");
    assertThat(compilation)
        .hadWarningContaining(
            "the result of @Parallelizable method 'lines' has type"
                + " 'java.util.stream.Stream<java.lang.String>', which is a stream of"
                + " java.util.stream, which belongs to the JVM that made it"
                + SUFFIX
                + "use a java.util.List or an array in its place")
        .inFile(file)
        .onLineContaining("Stream<String> lines");
    assertEquals(5, compilation.warnings().size(), () -> compilation.warnings().toString());
  }

  @Test
  void typesThatMayBeEncodableDrawNoWarning() {
    JavaFileObject file =
        source(
            "com.example.Fine",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "import java.io.Serializable;",
            "import java.nio.file.Path;",
            "import java.util.List;",
            "import java.util.function.Function;",
            "class Fine {",
            "  interface Step extends Function<Integer, Integer>, Serializable {}",
            "  record Size(int width) implements Serializable {}",
            "  enum Unit { METRE }",
            "  static class Open {}",
            "  @Parallelizable static int values(int x, Integer boxed, String text, int[] xs) {",
            "    return x;",
            "  }",
            "  @Parallelizable static Path paths(Path path, List<String> names, Object any) {",
            "    return path;",
            "  }",
            "  @Parallelizable static Size serializable(Size size, Unit unit, Step step) {",
            "    return size;",
            "  }",
            "  @Parallelizable static <T> T variable(T value, Comparable<T> c, Iterable<T> all) {",
            "    return value;",
            "  }",
            "  @Parallelizable static Void nothing(Open notFinal) { return null; }",
            "  @Parallelizable static void none(List<java.util.Optional<String>> unchecked) {}",
            "}");
    assertThat(compile(file)).succeededWithoutWarnings();
  }

  @Test
  void suppressWarningsOnTheParameterTheMethodOrTheClassSilencesIt() {
    JavaFileObject suppressed =
        source(
            "com.example.ThreadsOnly",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "import java.util.Optional;",
            "import java.util.function.Supplier;",
            "class ThreadsOnly {",
            "  @SuppressWarnings(\"Parallelizable.notEncodable\")",
            "  @Parallelizable static Optional<String> onMethod(Supplier<String> s) {",
            "    return Optional.of(s.get());",
            "  }",
            "  @Parallelizable static int onParameter(",
            "      @SuppressWarnings(\"parallelizable.notEncodable\") Supplier<Integer> s) {",
            "    return s.get();",
            "  }",
            "  @SuppressWarnings(\"Parallelizable.notEncodable\")",
            "  static class Nested {",
            "    @Parallelizable static int onClass(Supplier<Integer> s) { return s.get(); }",
            "  }",
            "}");
    JavaFileObject unsuppressed =
        source(
            "com.example.Unsuppressed",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "import java.util.function.Supplier;",
            "class Unsuppressed {",
            "  @SuppressWarnings(\"unchecked\")",
            "  @Parallelizable static int other(Supplier<Integer> s) { return s.get(); }",
            "}");

    assertThat(compileWithLintAsErrors(suppressed)).succeededWithoutWarnings();
    Compilation failed = compileWithLintAsErrors(unsuppressed);
    assertThat(failed).failed();
    assertThat(failed)
        .hadWarningContaining(
            "[Parallelizable.notEncodable] parameter 's' of @Parallelizable method 'other'")
        .inFile(unsuppressed)
        .onLineContaining("Supplier<Integer> s");
  }

  /** With the flags the README gives for Maven and Gradle. */
  private static Compilation compileWithLintAsErrors(JavaFileObject... files) {
    return javac()
        .withOptions("-Xlint:all,-processing", "-Werror")
        .withProcessors(new ParallelizableProcessor())
        .compile(files);
  }
}

package dev.parallelizable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor's jar alone is a complete processor path, as {@code javac -processorpath}, Gradle's
 * {@code annotationProcessor} and IDEs use it: no runtime jar and no JavaPoet beside it. Runs where
 * the build has packaged the processor ({@code mvn verify}); skipped by a build that stops before.
 */
class ProcessorJarAloneTest {
  @Test
  void javacWithOnlyTheProcessorJarOnItsProcessorPathGeneratesTheClass(@TempDir Path dir)
      throws IOException {
    Path processorJar = packaged(Path.of("..", "processor", "target"), "parallelizable-processor-");
    Path runtimeJar = packaged(Path.of("..", "runtime", "target"), "parallelizable-runtime-");
    assumeTrue(processorJar != null && runtimeJar != null, "the processor and runtime are not packaged");
    Path source = dir.resolve("src/com/example/Cubes.java");
    Files.createDirectories(source.getParent());
    Files.writeString(
        source,
        String.join(
            "\n",
            "package com.example;",
            "",
            "import dev.parallelizable.Parallelizable;",
            "",
            "public final class Cubes {",
            "  private Cubes() {}",
            "",
            "  @Parallelizable",
            "  public static long cube(int x) {",
            "    return (long) x * x * x;",
            "  }",
            "}",
            ""));
    Path classes = Files.createDirectories(dir.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int status =
        javac.run(
            null,
            null,
            new PrintStream(diagnostics, true, StandardCharsets.UTF_8),
            "-Xlint:all,-processing",
            "-Werror",
            "--release",
            "17",
            "-processorpath",
            processorJar.toString(),
            "-classpath",
            runtimeJar.toString(),
            "-d",
            classes.toString(),
            source.toString());

    String printed = diagnostics.toString(StandardCharsets.UTF_8);
    assertEquals(0, status, printed);
    assertEquals("", printed);
    assertTrue(Files.isRegularFile(classes.resolve("com/example/CubesParallel.class")));
  }

  /** The main jar in {@code target} whose name starts with {@code prefix}, or null. */
  private static Path packaged(Path target, String prefix) throws IOException {
    if (!Files.isDirectory(target)) {
      return null;
    }
    try (Stream<Path> files = Files.list(target)) {
      List<Path> jars =
          files
              .filter(f -> f.getFileName().toString().startsWith(prefix))
              .filter(f -> f.getFileName().toString().endsWith(".jar"))
              .filter(f -> !f.getFileName().toString().contains("-sources"))
              .filter(f -> !f.getFileName().toString().contains("-javadoc"))
              .filter(f -> !f.getFileName().toString().startsWith("original-"))
              .toList();
      return jars.size() == 1 ? jars.get(0) : null;
    }
  }
}

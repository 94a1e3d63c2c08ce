package dev.parallelizable.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.Parallelizable;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated code compiles in a named module whether or not it reads {@code java.compiler}: the
 * {@code @Generated} annotation is written only where it is visible. Compiled with javac from files
 * (compile-testing's in-memory files do not form a module), the runtime on the module path.
 */
class NamedModuleTest {
  private static final String CUBES =
      String.join(
          "\n",
          "package com.example.cubes;",
          "import dev.parallelizable.Parallelizable;",
          "public class Cubes {",
          "  @Parallelizable public static long cube(int x) { return (long) x * x * x; }",
          "}");

  @Test
  void aModuleThatDoesNotReadJavaCompilerGetsNoGeneratedAnnotation(@TempDir Path directory)
      throws IOException {
    String generated =
        compileModule(directory, "module com.example.cubes { requires dev.parallelizable; }");
    assertFalse(generated.contains("Generated("), generated);
    assertTrue(generated.contains("public final class CubesParallel"), generated);
  }

  @Test
  void aModuleThatReadsJavaCompilerGetsTheGeneratedAnnotation(@TempDir Path directory)
      throws IOException {
    String generated =
        compileModule(
            directory,
            "module com.example.cubes { requires dev.parallelizable; requires static java.compiler; }");
    assertTrue(
        generated.contains("@Generated(\"dev.parallelizable.processor.ParallelizableProcessor\")"),
        generated);
  }

  /** Compiles the module without warnings and returns the generated source. */
  private static String compileModule(Path directory, String moduleInfo) throws IOException {
    Path sources = Files.createDirectories(directory.resolve("src"));
    Files.writeString(sources.resolve("module-info.java"), moduleInfo);
    Path cubes = Files.createDirectories(sources.resolve("com/example/cubes")).resolve("Cubes.java");
    Files.writeString(cubes, CUBES);
    Path classes = Files.createDirectories(directory.resolve("classes"));
    Path generatedSources = Files.createDirectories(directory.resolve("generated"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
      JavaCompiler.CompilationTask task =
          javac.getTask(
              diagnostics,
              files,
              null,
              List.of(
                  "-Xlint:all,-processing,-requires-automatic",
                  "--module-path", runtimeModule(directory).toString(),
                  "-d", classes.toString(),
                  "-s", generatedSources.toString()),
              null,
              files.getJavaFileObjects(sources.resolve("module-info.java"), cubes));
      task.setProcessors(List.of(new ParallelizableProcessor()));
      assertTrue(task.call(), diagnostics.toString());
    }
    assertEquals("", diagnostics.toString(), "no warning");
    assertTrue(Files.isRegularFile(classes.resolve("com/example/cubes/CubesParallel.class")));
    return Files.readString(generatedSources.resolve("com/example/cubes/CubesParallel.java"));
  }

  /**
   * The runtime as a module: its jar, or, when the tests see its classes directory, a jar made of
   * it (a directory without module-info is not a module).
   */
  private static Path runtimeModule(Path directory) throws IOException {
    Path location;
    try {
      location = Path.of(Parallelizable.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    if (Files.isRegularFile(location)) {
      return location;
    }
    Path jar = directory.resolve("parallelizable-runtime.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().putValue("Automatic-Module-Name", "dev.parallelizable");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
        Stream<Path> files = Files.walk(location)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        out.putNextEntry(new JarEntry(location.relativize(file).toString().replace('\\', '/')));
        try (var in = Files.newInputStream(file)) {
          in.transferTo(out);
        }
        out.closeEntry();
      }
    }
    return jar;
  }
}

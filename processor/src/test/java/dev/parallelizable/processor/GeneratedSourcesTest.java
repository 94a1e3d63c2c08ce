package dev.parallelizable.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.parallelizable.processor.Compilations.compile;
import static dev.parallelizable.processor.Compilations.exampleSource;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The generated sources, against the golden files under {@code src/test/resources/golden}, which
 * show what users get for static, instance, void, varargs, overloaded, generic and nested methods.
 */
class GeneratedSourcesTest {

  @ParameterizedTest
  @CsvSource({
    "com.example.Cubes, com.example.CubesParallel",
    "com.example.Images, com.example.ImagesParallel",
    "com.example.Outer, com.example.Outer_RangesParallel",
  })
  void matchesGoldenFile(String source, String generated) {
    Compilation compilation = compile(exampleSource(source));
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile(generated)
        .hasSourceEquivalentTo(
            JavaFileObjects.forResource("golden/" + generated.replace('.', '/') + ".java"));
  }

  /**
   * The "processing" category is off because it warns about every annotation that no processor
   * claims, and {@code @Generated} never is; the build compiles with the same setting.
   */
  @Test
  void generatedCodeCompilesWithoutLintWarnings() {
    Compilation compilation =
        javac()
            .withProcessors(new ParallelizableProcessor())
            .withOptions("-Xlint:all", "-Xlint:-processing", "-Werror")
            .compile(
                exampleSource("com.example.Cubes"),
                exampleSource("com.example.Images"),
                exampleSource("com.example.Outer"),
                exampleSource("com.example.edge.Edges"));
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("com.example.edge.EdgesParallel");
    assertThat(compilation).generatedSourceFile("com.example.edge.Edges_InvokerParallel");
    assertThat(compilation).generatedSourceFile("com.example.edge.Edges_UnitParallel");
    assertThat(compilation).generatedSourceFile("com.example.edge.Edges_PointParallel");
    assertThat(compilation).generatedSourceFile("com.example.edge.Edges_ShapesParallel");
    assertThat(compilation).generatedSourceFile("com.example.edge.Edges_HolderParallel");
  }
}

package dev.parallelizable.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.parallelizable.processor.Compilations.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.parallelizable.processor.HookedProcessor.CreatedFile;
import dev.parallelizable.processor.WrappingProcessor.Wrapping;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.FilerException;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** How the processor behaves around the code it generates: rounds, failures, registration. */
class ProcessorBehaviourTest {
  private static final JavaFileObject CUBES =
      source(
          "com.example.Cubes",
          "package com.example;",
          "import dev.parallelizable.Parallelizable;",
          "class Cubes {",
          "  @Parallelizable static long cube(int x) { return (long) x * x * x; }",
          "}");
  private static final JavaFileObject SQUARES =
      source(
          "com.example.Squares",
          "package com.example;",
          "import dev.parallelizable.Parallelizable;",
          "class Squares {",
          "  @Parallelizable static long square(int x) { return (long) x * x; }",
          "}");

  @Test
  void classWaitsForATypeThatAnotherProcessorGenerates() {
    JavaFileObject shapes =
        source(
            "com.example.Shapes",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Shapes {",
            "  @Parallelizable static double area(Size size) { return size.width() * size.height();"
                + " }",
            "}");
    Compilation compilation =
        javac().withProcessors(new GeneratesSize(), new ParallelizableProcessor()).compile(shapes);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("com.example.ShapesParallel")
        .contentsAsUtf8String()
        .contains("TaskMethod.of(INVOKER, \"area(com.example.Size)\"");
  }

  @Test
  void fileThatCannotBeWrittenIsReportedOnItsClass() {
    HookedProcessor processor =
        new HookedProcessor(
            (filer, name, originating) -> {
              throw new FilerException("Attempt to recreate a file for type " + name);
            });
    Compilation compilation = javac().withProcessors(processor).compile(CUBES);

    assertThat(compilation)
        .hadErrorContaining(
            "[Parallelizable.writeFailed] could not write 'com.example.CubesParallel' for the"
                + " @Parallelizable methods of 'com.example.Cubes': Attempt to recreate a file for"
                + " type com.example.CubesParallel")
        .inFile(CUBES)
        .onLineContaining("class Cubes");
  }

  @Test
  void failureInsideTheProcessorIsReportedAndOtherClassesStillGenerate() {
    HookedProcessor processor =
        new HookedProcessor(
            (filer, name, originating) -> {
              if (name.toString().equals("com.example.CubesParallel")) {
                throw new IllegalStateException("simulated defect");
              }
              return filer.createSourceFile(name, originating);
            });
    Compilation compilation = javac().withProcessors(processor).compile(CUBES, SQUARES);

    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[Parallelizable.internal] the annotation processor failed on the @Parallelizable"
                + " methods of 'com.example.Cubes'")
        .inFile(CUBES)
        .onLineContaining("class Cubes");
    assertThat(compilation).hadErrorContaining("java.lang.IllegalStateException: simulated defect");
    assertEquals(
        List.of(
            new CreatedFile("com.example.CubesParallel", List.of("com.example.Cubes")),
            new CreatedFile("com.example.SquaresParallel", List.of("com.example.Squares"))),
        processor.createdFiles());
  }

  private static final JavaFileObject ANONYMOUS =
      source(
          "com.example.Tasks",
          "package com.example;",
          "import dev.parallelizable.Parallelizable;",
          "class Tasks {",
          "  Runnable task = new Runnable() {",
          "    @Parallelizable public void run() {}",
          "  };",
          "}");

  /** Gradle's and IntelliJ's wrappers of javac's environment do not hide its tree API. */
  @ParameterizedTest
  @EnumSource(
      value = Wrapping.class,
      names = {"DELEGATING_CLASS", "PROXY", "PROXY_AROUND_DELEGATING_CLASS"})
  void behindABuildToolsWrapperLocalClassesAreStillReported(Wrapping wrapping) {
    Compilation compilation =
        javac().withProcessors(new WrappingProcessor(wrapping)).compile(ANONYMOUS, CUBES);

    assertThat(compilation)
        .hadErrorContaining("[Parallelizable.localClass] @Parallelizable method 'run'")
        .inFile(ANONYMOUS)
        .onLineContaining("public void run()");
  }

  /** A wrapper may hide javac's environment, and so its tree API: nothing breaks. */
  @Test
  void withoutTheTreeApiLocalClassesGoUnreportedAndTheRestWorks() {
    Compilation compilation =
        javac()
            .withProcessors(new WrappingProcessor(Wrapping.OPAQUE))
            .compile(ANONYMOUS, CUBES);

    assertThat(compilation).succeededWithoutWarnings();
    assertEquals(
        List.of("CubesParallel.java"),
        compilation.generatedSourceFiles().stream()
            .map(file -> Path.of(file.toUri().getPath()).getFileName().toString())
            .toList());
  }

  @Test
  void registeredAsAServiceAndAsAnIsolatingProcessorForGradle() throws IOException {
    assertTrue(
        ServiceLoader.load(Processor.class).stream()
            .anyMatch(provider -> provider.type() == ParallelizableProcessor.class));
    try (InputStream in =
        getClass()
            .getClassLoader()
            .getResourceAsStream("META-INF/gradle/incremental.annotation.processors")) {
      assertEquals(
          ParallelizableProcessor.class.getName() + ",isolating",
          new String(in.readAllBytes(), StandardCharsets.UTF_8).strip());
    }
  }

  /** Generates {@code com.example.Size} in its first round, as a value-class processor would. */
  private static final class GeneratesSize extends AbstractProcessor {
    private boolean generated;

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      if (!generated) {
        generated = true;
        try (Writer writer =
            processingEnv.getFiler().createSourceFile("com.example.Size").openWriter()) {
          writer.write(
              "package com.example;\npublic record Size(double width, double height)"
                  + " implements java.io.Serializable {}\n");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return false;
    }
  }
}

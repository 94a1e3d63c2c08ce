package dev.parallelizable.processor;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;

/** Compiles test sources with the processor. */
final class Compilations {
  private Compilations() {}

  /** A source file of class {@code qualifiedName} made of {@code lines}. */
  static JavaFileObject source(String qualifiedName, String... lines) {
    return JavaFileObjects.forSourceLines(qualifiedName, lines);
  }

  /** One of the example sources under {@code src/test/resources/sources}. */
  static JavaFileObject exampleSource(String qualifiedName) {
    return JavaFileObjects.forResource("sources/" + qualifiedName.replace('.', '/') + ".java");
  }

  static Compilation compile(JavaFileObject... sources) {
    return javac().withProcessors(new ParallelizableProcessor()).compile(sources);
  }
}

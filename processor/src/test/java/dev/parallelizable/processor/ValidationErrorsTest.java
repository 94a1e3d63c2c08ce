package dev.parallelizable.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.parallelizable.processor.Compilations.compile;
import static dev.parallelizable.processor.Compilations.source;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import dev.parallelizable.processor.HookedProcessor.CreatedFile;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** One test per compile error of the catalogue (docs/compile-errors.md), and how errors add up. */
class ValidationErrorsTest {
  /**
   * Javac runs a processor only for annotations it sees on members, never for those inside local or
   * anonymous classes; so the local-class check needs an annotated member in the compilation.
   */
  private static final JavaFileObject VISIBLE_ANNOTATED_METHOD =
      source(
          "com.example.Visible",
          "package com.example;",
          "import dev.parallelizable.Parallelizable;",
          "class Visible {",
          "  @Parallelizable static int one() { return 1; }",
          "}");

  @Test
  void privateMethod() {
    JavaFileObject file =
        source(
            "com.example.Images",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Images {",
            "  @Parallelizable private static int resize(int width) { return width; }",
            "}");
    Compilation compilation = compile(file);
    assertThat(compilation)
        .hadErrorContaining(
            "[Parallelizable.private] @Parallelizable method 'resize' must not be private; make it"
                + " package-private or public")
        .inFile(file)
        .onLineContaining("private static int resize");
    assertEquals(1, compilation.errors().size());
  }

  @Test
  void abstractMethodOfClass() {
    JavaFileObject file =
        source(
            "com.example.Shape",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "abstract class Shape implements java.io.Serializable {",
            "  @Parallelizable abstract double area();",
            "}");
    assertThat(compile(file))
        .hadErrorContaining("[Parallelizable.abstract] @Parallelizable method 'area' is abstract")
        .inFile(file)
        .onLineContaining("abstract double area()");
  }

  @Test
  void abstractMethodOfInterface() {
    JavaFileObject file =
        source(
            "com.example.Shape",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "interface Shape {",
            "  @Parallelizable double area();",
            "}");
    assertThat(compile(file))
        .hadErrorContaining("[Parallelizable.abstract] @Parallelizable method 'area' is abstract")
        .inFile(file)
        .onLineContaining("double area()");
  }

  @Test
  void defaultMethodOfInterface() {
    JavaFileObject file =
        source(
            "com.example.Shape",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "interface Shape {",
            "  @Parallelizable default double twice() { return 2; }",
            "}");
    assertThat(compile(file))
        .hadErrorContaining(
            "[Parallelizable.interfaceMethod] @Parallelizable method 'twice' is a default method of"
                + " interface 'Shape'")
        .inFile(file)
        .onLineContaining("default double twice()");
  }

  @Test
  void methodOfPrivateClass() {
    JavaFileObject file =
        source(
            "com.example.Images",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Images {",
            "  private static class Hidden {",
            "    @Parallelizable static int resize(int width) { return width; }",
            "  }",
            "}");
    assertThat(compile(file))
        .hadErrorContaining(
            "[Parallelizable.privateClass] @Parallelizable method 'resize' is declared in private"
                + " class 'Images.Hidden'")
        .inFile(file)
        .onLineContaining("static int resize");
  }

  @Test
  void methodOfClassNestedInPrivateClass() {
    JavaFileObject file =
        source(
            "com.example.Images",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Images {",
            "  private static class Hidden {",
            "    static class Deeper {",
            "      @Parallelizable static int resize(int width) { return width; }",
            "    }",
            "  }",
            "}");
    assertThat(compile(file))
        .hadErrorContaining(
            "[Parallelizable.privateClass] @Parallelizable method 'resize' is declared in private"
                + " class 'Images.Hidden' (or in a class nested in it)")
        .inFile(file)
        .onLineContaining("static int resize");
  }

  @Test
  void methodOfLocalClass() {
    JavaFileObject file =
        source(
            "com.example.Images",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Images {",
            "  void run() {",
            "    class Resizer {",
            "      @Parallelizable int resize(int width) { return width; }",
            "    }",
            "  }",
            "}");
    assertThat(compile(file, VISIBLE_ANNOTATED_METHOD))
        .hadErrorContaining(
            "[Parallelizable.localClass] @Parallelizable method 'resize' is declared in local class"
                + " 'Resizer', which no other class can name")
        .inFile(file)
        .onLineContaining("int resize(int width)");
  }

  @Test
  void methodOfAnonymousClassWithQualifiedAnnotation() {
    JavaFileObject file =
        source(
            "com.example.Images",
            "package com.example;",
            "class Images {",
            "  Runnable task = new Runnable() {",
            "    @dev.parallelizable.Parallelizable public void run() {}",
            "  };",
            "}");
    assertThat(compile(file, VISIBLE_ANNOTATED_METHOD))
        .hadErrorContaining(
            "[Parallelizable.localClass] @Parallelizable method 'run' is declared in an anonymous"
                + " class")
        .inFile(file)
        .onLineContaining("public void run()");
  }

  @Test
  void anotherAnnotationNamedParallelizableInLocalClassIsNotReported() {
    JavaFileObject annotation =
        source(
            "com.other.Parallelizable",
            "package com.other;",
            "public @interface Parallelizable {}");
    JavaFileObject file =
        source(
            "com.example.Images",
            "package com.example;",
            "import com.other.Parallelizable;",
            "class Images {",
            "  Runnable task = new Runnable() {",
            "    @Parallelizable public void run() {}",
            "  };",
            "}");
    assertThat(compile(annotation, file, VISIBLE_ANNOTATED_METHOD)).succeededWithoutWarnings();
  }

  @Test
  void methodOfInnerClass() {
    JavaFileObject file =
        source(
            "com.example.Images",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Images {",
            "  class Resizer implements java.io.Serializable {",
            "    @Parallelizable int resize(int width) { return width; }",
            "  }",
            "}");
    assertThat(compile(file))
        .hadErrorContaining(
            "[Parallelizable.innerClass] @Parallelizable method 'resize' is declared in inner class"
                + " 'Images.Resizer', which is not static")
        .inFile(file)
        .onLineContaining("int resize(int width)");
  }

  @Test
  void instanceMethodOfClassThatIsNotSerializable() {
    JavaFileObject file =
        source(
            "com.example.Images",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Images {",
            "  @Parallelizable int resize(int width) { return width; }",
            "}");
    assertThat(compile(file))
        .hadErrorContaining(
            "[Parallelizable.notSerializable] @Parallelizable instance method 'resize' is declared"
                + " in class 'Images', which does not implement java.io.Serializable")
        .inFile(file)
        .onLineContaining("int resize(int width)");
    assertThat(compile(file))
        .hadErrorContaining(
            "; add 'implements java.io.Serializable' and declare"
                + " 'private static final long serialVersionUID = 1L;' in the class, or make the"
                + " method static");
  }

  @Test
  void instanceMethodOfRecordThatIsNotSerializable() {
    JavaFileObject file =
        source(
            "com.example.Size",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "record Size(int width) {",
            "  @Parallelizable int scaled(int factor) { return width * factor; }",
            "}");
    assertThat(compile(file))
        .hadErrorContaining(
            "[Parallelizable.notSerializable] @Parallelizable instance method 'scaled' is declared"
                + " in class 'Size', which does not implement java.io.Serializable, so its receiver"
                + " cannot travel with the task to a worker; add 'implements java.io.Serializable'"
                + " to the record, or make the method static")
        .inFile(file)
        .onLineContaining("int scaled(int factor)");
  }

  /** The fix notSerializable advises compiles with the README's lint flags, generated code too. */
  @Test
  void theAdvisedSerializableFixCompilesUnderLintWithWerror() {
    JavaFileObject fixedClass =
        source(
            "com.example.Images",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Images implements java.io.Serializable {",
            "  private static final long serialVersionUID = 1L;",
            "  @Parallelizable int resize(int width) { return width; }",
            "}");
    JavaFileObject fixedRecord =
        source(
            "com.example.Size",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "record Size(int width) implements java.io.Serializable {",
            "  @Parallelizable int scaled(int factor) { return width * factor; }",
            "}");
    assertThat(compileWithLintAsErrors(fixedClass, fixedRecord)).succeededWithoutWarnings();
  }

  /** Why the advice names serialVersionUID: implementing Serializable alone fails such a build. */
  @Test
  void implementingSerializableAloneFailsUnderLintWithWerror() {
    JavaFileObject file =
        source(
            "com.example.Images",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Images implements java.io.Serializable {",
            "  @Parallelizable int resize(int width) { return width; }",
            "}");
    Compilation compilation = compileWithLintAsErrors(file);
    assertThat(compilation).failed();
    assertThat(compilation)
        .hadWarningContaining(
            "serializable class com.example.Images has no definition of serialVersionUID")
        .inFile(file)
        .onLineContaining("class Images");
  }

  /** With the flags the README gives for Maven and Gradle. */
  private static Compilation compileWithLintAsErrors(JavaFileObject... files) {
    return javac()
        .withOptions("-Xlint:all,-processing", "-Werror")
        .withProcessors(new ParallelizableProcessor())
        .compile(files);
  }

  @Test
  void generatedClassNameTakenByExistingType() {
    JavaFileObject cubes =
        source(
            "com.example.Cubes",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Cubes {",
            "  @Parallelizable static long cube(int x) { return x; }",
            "}");
    JavaFileObject existing =
        source("com.example.CubesParallel", "package com.example;", "class CubesParallel {}");
    HookedProcessor processor = HookedProcessor.recording();
    assertThat(javac().withProcessors(processor).compile(cubes, existing))
        .hadErrorContaining(
            "[Parallelizable.classNameTaken] the class 'com.example.CubesParallel' generated for"
                + " the @Parallelizable methods of 'com.example.Cubes' would replace the existing"
                + " type")
        .inFile(cubes)
        .onLineContaining("class Cubes");
    assertEquals(List.of(), processor.createdFiles());
  }

  @Test
  void generatedClassNameWantedByTwoClasses() {
    JavaFileObject outer =
        source(
            "com.example.Outer",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Outer {",
            "  static class Inner {",
            "    @Parallelizable static int one() { return 1; }",
            "  }",
            "}");
    JavaFileObject underscored =
        source(
            "com.example.Outer_Inner",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Outer_Inner {",
            "  @Parallelizable static int two() { return 2; }",
            "}");
    HookedProcessor processor = HookedProcessor.recording();
    Compilation compilation = javac().withProcessors(processor).compile(outer, underscored);
    assertThat(compilation)
        .hadErrorContaining(
            "[Parallelizable.classNameTaken] the class 'com.example.Outer_InnerParallel' generated"
                + " for the @Parallelizable methods of 'com.example.Outer_Inner' is also generated"
                + " for 'com.example.Outer.Inner'")
        .inFile(underscored)
        .onLineContaining("class Outer_Inner");
    assertEquals(
        List.of(
            new CreatedFile("com.example.Outer_InnerParallel", List.of("com.example.Outer.Inner"))),
        processor.createdFiles());
  }

  @Test
  void overloadsWhoseMapMethodsClashAfterErasure() {
    JavaFileObject file =
        source(
            "com.example.Cubes",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Cubes {",
            "  @Parallelizable static long cube(int x) { return x; }",
            "  @Parallelizable static long cube(Integer x) { return x; }",
            "}");
    assertThat(compile(file))
        .hadErrorContaining(
            "[Parallelizable.clash] @Parallelizable methods 'cube(int)' and"
                + " 'cube(java.lang.Integer)' both generate 'cubeMap(java.lang.Iterable)' in"
                + " 'CubesParallel', and Java cannot tell the two apart after erasure; give one of"
                + " them another name with @Parallelizable(name = \"...\")")
        .inFile(file)
        .onLineContaining("cube(Integer x)");
  }

  @Test
  void renamingOneOverloadResolvesTheClash() {
    JavaFileObject file =
        source(
            "com.example.Cubes",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Cubes {",
            "  @Parallelizable static long cube(int x) { return x; }",
            "  @Parallelizable(name = \"cubeBoxed\") static long cube(Integer x) { return x; }",
            "}");
    assertThat(compile(file)).succeededWithoutWarnings();
  }

  @Test
  void methodNamedLikeTheFactory() {
    JavaFileObject file =
        source(
            "com.example.Pools",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "import dev.parallelizable.Pool;",
            "class Pools {",
            "  @Parallelizable static int on(Pool pool) { return pool.size(); }",
            "}");
    assertThat(compile(file))
        .hadErrorContaining(
            "[Parallelizable.clash] @Parallelizable method 'on(dev.parallelizable.Pool)' generates"
                + " 'on(dev.parallelizable.Pool)' in 'PoolsParallel', which clashes with the"
                + " factory method on(Pool)")
        .inFile(file)
        .onLineContaining("static int on(Pool pool)");
  }

  @Test
  void generatedNameThatClashesWithAnotherMethodsAsyncMethod() {
    JavaFileObject file =
        source(
            "com.example.Cubes",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Cubes {",
            "  @Parallelizable static long cube(int x) { return x; }",
            "  @Parallelizable(name = \"cubeAsync\") static long later(int x) { return x; }",
            "}");
    assertThat(compile(file))
        .hadErrorContaining(
            "[Parallelizable.clash] @Parallelizable methods 'cube(int)' and 'later(int)' both"
                + " generate 'cubeAsync(int)'")
        .inFile(file)
        .onLineContaining("static long later(int x)");
  }

  @Test
  void nameThatIsAKeyword() {
    JavaFileObject file =
        source(
            "com.example.Cubes",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Cubes {",
            "  @Parallelizable(name = \"class\") static long cube(int x) { return x; }",
            "}");
    assertThat(compile(file))
        .hadErrorContaining(
            "[Parallelizable.invalidName] @Parallelizable(name = \"class\") on method 'cube' is a"
                + " Java keyword")
        .inFile(file)
        .onLineContaining("name = \"class\"");
  }

  @Test
  void nameThatIsNotAnIdentifier() {
    JavaFileObject file =
        source(
            "com.example.Cubes",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Cubes {",
            "  @Parallelizable(name = \"cube.fast\") static long cube(int x) { return x; }",
            "}");
    assertThat(compile(file))
        .hadErrorContaining(
            "[Parallelizable.invalidName] @Parallelizable(name = \"cube.fast\") on method 'cube' is"
                + " not a Java identifier")
        .inFile(file)
        .onLineContaining("name = \"cube.fast\"");
  }

  @Test
  void methodTypeVariableHidingTheClassTypeVariable() {
    JavaFileObject file =
        source(
            "com.example.Box",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Box<T> implements java.io.Serializable {",
            "  private static final long serialVersionUID = 1L;",
            "  @Parallelizable <T> T convert(T value) { return value; }",
            "}");
    assertThat(compile(file))
        .hadErrorContaining(
            "[Parallelizable.typeVariableHides] type variable 'T' of @Parallelizable method"
                + " 'convert' hides type variable 'T' of class 'Box'")
        .inFile(file)
        .onLineContaining("T convert(T value)");
  }

  @Test
  void privateNestedTypeInSignature() {
    JavaFileObject file =
        source(
            "com.example.Images",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "import java.util.List;",
            "class Images {",
            "  private static class Secret {}",
            "  @Parallelizable static List<Secret> secrets(int count) { return List.of(); }",
            "}");
    assertThat(compile(file))
        .hadErrorContaining(
            "[Parallelizable.inaccessibleType] @Parallelizable method 'secrets' uses type"
                + " 'com.example.Images.Secret' in its return type, but"
                + " 'com.example.Images.Secret' is private, so the generated class"
                + " 'com.example.ImagesParallel' cannot name it; make 'Secret' package-private or"
                + " public")
        .inFile(file)
        .onLineContaining("secrets(int count)");
  }

  @Test
  void typeNestedInPrivateTypeInTypeVariableBound() {
    JavaFileObject file =
        source(
            "com.example.Images",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Images {",
            "  private static class Secret { static class Key {} }",
            "  @Parallelizable static <K extends Secret.Key> int size(K key) { return 1; }",
            "}");
    assertThat(compile(file))
        .hadErrorContaining(
            "uses type 'com.example.Images.Secret.Key' in the bounds of type variable 'K', but"
                + " 'com.example.Images.Secret.Key' is nested in private class 'Images.Secret'")
        .inFile(file)
        .onLineContaining("int size(K key)");
  }

  @Test
  void protectedTypeOfAnotherPackageInSignature() {
    JavaFileObject base =
        source(
            "com.other.Base",
            "package com.other;",
            "public class Base {",
            "  protected static class Options {}",
            "}");
    JavaFileObject file =
        source(
            "com.example.Images",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Images extends com.other.Base {",
            "  @Parallelizable static int resize(Options options) { return 1; }",
            "}");
    assertThat(compile(base, file))
        .hadErrorContaining(
            "uses type 'com.other.Base.Options' in parameter 'options', but"
                + " 'com.other.Base.Options' is not public and belongs to package 'com.other', so"
                + " the generated class 'com.example.ImagesParallel' cannot name it; make 'Options'"
                + " public")
        .inFile(file)
        .onLineContaining("resize(Options options)");
  }

  @Test
  void arrayOfTypeVariableWithSeveralBounds() {
    JavaFileObject file =
        source(
            "com.example.Numbers",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Numbers {",
            "  @Parallelizable",
            "  static <T extends Number & Comparable<T>> T first(T[] values) { return values[0]; }",
            "}");
    assertThat(compile(file))
        .hadErrorContaining(
            "[Parallelizable.multiBoundArray] parameter 'values' of @Parallelizable method 'first'"
                + " is an array of type variable 'T', which has several bounds")
        .inFile(file)
        .onLineContaining("T first(T[] values)");
  }

  @Test
  void typeThatNoRoundDefines() {
    JavaFileObject file =
        source(
            "com.example.Shapes",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Shapes {",
            "  @Parallelizable static double area(Missing shape) { return 0; }",
            "}");
    Compilation compilation = compile(file);
    assertThat(compilation).hadErrorContaining("cannot find symbol");
    assertThat(compilation)
        .hadErrorContaining(
            "[Parallelizable.unresolvedType] 'com.example.ShapesParallel' was not generated because"
                + " the @Parallelizable methods of 'com.example.Shapes' mention types that do not"
                + " exist: 'Missing'")
        .inFile(file)
        .onLineContaining("class Shapes");
  }

  @Test
  void everyErrorOfOneClassIsReported() {
    JavaFileObject file =
        source(
            "com.example.Mixed",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Mixed {",
            "  @Parallelizable private static int hidden(int x) { return x; }",
            "  @Parallelizable int instance(int x) { return x; }",
            "  @Parallelizable(name = \"new\") static int renamed(int x) { return x; }",
            "  @Parallelizable static long cube(int x) { return x; }",
            "  @Parallelizable static long cube(Integer x) { return x; }",
            "}");
    HookedProcessor processor = HookedProcessor.recording();
    Compilation compilation = javac().withProcessors(processor).compile(file);
    assertThat(compilation)
        .hadErrorContaining("[Parallelizable.private]")
        .inFile(file)
        .onLineContaining("int hidden(int x)");
    assertThat(compilation)
        .hadErrorContaining("[Parallelizable.notSerializable]")
        .inFile(file)
        .onLineContaining("int instance(int x)");
    assertThat(compilation)
        .hadErrorContaining("[Parallelizable.invalidName]")
        .inFile(file)
        .onLineContaining("name = \"new\"");
    assertThat(compilation)
        .hadErrorContaining("[Parallelizable.clash]")
        .inFile(file)
        .onLineContaining("cube(Integer x)");
    assertEquals(4, compilation.errors().size(), () -> compilation.errors().toString());
    assertEquals(List.of(), processor.createdFiles());
  }

  @Test
  void oneClassWithErrorsDoesNotStopAnotherFromGenerating() {
    JavaFileObject broken =
        source(
            "com.example.Broken",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Broken {",
            "  @Parallelizable private static int hidden(int x) { return x; }",
            "}");
    JavaFileObject fine =
        source(
            "com.example.Fine",
            "package com.example;",
            "import dev.parallelizable.Parallelizable;",
            "class Fine {",
            "  @Parallelizable static int twice(int x) { return 2 * x; }",
            "}");
    HookedProcessor processor = HookedProcessor.recording();
    Compilation compilation = javac().withProcessors(processor).compile(broken, fine);
    // The one error is Broken's: FineParallel was generated, and it compiled.
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("[Parallelizable.private]")
        .inFile(broken)
        .onLineContaining("int hidden(int x)");
    assertEquals(
        List.of(new CreatedFile("com.example.FineParallel", List.of("com.example.Fine"))),
        processor.createdFiles());
  }
}

package dev.parallelizable.processor.writer;

import dev.parallelizable.processor.RuntimeNames;
import static javax.lang.model.element.Modifier.FINAL;
import static javax.lang.model.element.Modifier.PRIVATE;
import static javax.lang.model.element.Modifier.PUBLIC;
import static javax.lang.model.element.Modifier.STATIC;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.WildcardTypeName;
import dev.parallelizable.processor.ParallelizableProcessor;
import dev.parallelizable.processor.model.ArgumentCast;
import dev.parallelizable.processor.model.ClassDescriptor;
import dev.parallelizable.processor.model.HeapPollution;
import dev.parallelizable.processor.model.MethodDescriptor;
import dev.parallelizable.processor.model.ParameterDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import javax.annotation.processing.Generated;

/**
 * Writes the {@code ...Parallel} class of one {@link ClassDescriptor}.
 *
 * <p>Stateless; {@link #write} may be called from any thread.
 */
public final class ParallelClassWriter {
  // For com.example.Cubes with `@Parallelizable public static long cube(int x)` and
  // `@Parallelizable Image resize(int width)` (an instance method; Cubes implements Serializable),
  // this writes:
  //
  // @Generated("dev.parallelizable.processor.ParallelizableProcessor")
  // public final class CubesParallel {
  //   private static final Invoker INVOKER = new Invoker();
  //   private static final TaskMethod<Long> CUBE =
  //       TaskMethod.of(INVOKER, "cube(int)", "com.example.Cubes", "cube", 0x5e1f...L, "int x");
  //   private static final TaskMethod<Image> RESIZE = TaskMethod.of(INVOKER, "resize(int)",
  //       "com.example.Cubes", "resize", 0x0c2d...L, "com.example.Cubes receiver", "int width");
  //
  // (0x5e1f...L: the fingerprint of the method's source, left out when the compiler gives none.)
  //   private final Pool pool;
  //
  //   private CubesParallel(Pool pool) { this.pool = pool; }
  //
  //   public static CubesParallel on(Pool pool) {
  //     return new CubesParallel(Objects.requireNonNull(pool, "pool"));
  //   }
  //
  //   public static Task<Long> cube(int x) { return CUBE.bind(x); }
  //
  //   static Task<Image> resize(Cubes receiver, int width) {
  //     return RESIZE.bind(Objects.requireNonNull(receiver, "receiver"), width);
  //   }
  //
  //   public AsyncResult<Long> cubeAsync(int x) { return pool.applyAsync(cube(x)); }
  //
  //   public List<Long> cubeMap(Iterable<Integer> xs) {
  //     return Invocations.map(pool, CUBE, CubesParallel::cube, xs);
  //   }
  //
  //   AsyncResult<Image> resizeAsync(Cubes receiver, int width) {
  //     return pool.applyAsync(resize(receiver, width));
  //   }
  //
  //   List<Image> resizeMap(Cubes receiver, Iterable<Integer> widths) {
  //     return pool.map(width -> resize(receiver, width), widths);
  //   }
  //
  //   public static final class Invoker implements TaskInvoker {
  //     @Override
  //     public Object invoke(String key, Object[] arguments) throws Throwable {
  //       switch (key) {
  //         case "cube(int)":
  //           return Cubes.cube((int) arguments[0]);
  //         case "resize(int)":
  //           return ((Cubes) arguments[0]).resize((int) arguments[1]);
  //         default:
  //           throw Invocations.unknownKey(Cubes.class, key);
  //       }
  //     }
  //
  //     @Override
  //     public boolean batches() { return true; }
  //
  //     @Override
  //     public Object invokeBatch(String key, Object[] columns, int count, BatchProgress progress)
  //         throws BatchFailure {
  //       switch (key) {
  //         case "cube(int)": {
  //           int[] column0 = (int[]) columns[0];
  //           long[] results = new long[count];
  //           int i = 0;
  //           try {
  //             for (; i < count; i++) {
  //               if (progress != null) {
  //                 progress.started(i);
  //               }
  //               results[i] = Cubes.cube(column0[i]);
  //             }
  //           } catch (Throwable e) {
  //             throw new BatchFailure(i, e, results);
  //           }
  //           return results;
  //         }
  //         ... (resize: an Object[] column for the receiver, an int[] one for width)
  //         default:
  //           throw Invocations.unknownKey(Cubes.class, key);
  //       }
  //     }
  //   }
  // }
  //
  // Variations: a void method gives Task<Void>, and its case returns null. Arguments are cast to
  // their exact types (primitives unboxed by `(int)`), so overloads resolve as declared; a type
  // with type variables is cast to its erasure, and the invoker then suppresses "unchecked" and
  // "rawtypes" warnings. A method whose result type uses type variables gets a TaskMethod<?>
  // constant and an unchecked cast of the bound task. Varargs methods stay varargs.

  private static final ClassName GENERATED = ClassName.get(Generated.class);
  private static final ClassName TASK = RuntimeNames.TASK;
  private static final ClassName TASK_METHOD = RuntimeNames.TASK_METHOD;
  private static final ClassName TASK_FAILED = RuntimeNames.TASK_FAILED;
  private static final ClassName POOL = RuntimeNames.POOL;
  private static final ClassName ASYNC_RESULT = RuntimeNames.ASYNC_RESULT;
  private static final ClassName TASK_INVOKER = RuntimeNames.TASK_INVOKER;
  private static final ClassName INVOCATIONS = RuntimeNames.INVOCATIONS;
  private static final ClassName BATCH_FAILURE = RuntimeNames.BATCH_FAILURE;
  private static final ClassName BATCH_PROGRESS = RuntimeNames.BATCH_PROGRESS;
  private static final ClassName OBJECTS = ClassName.get(Objects.class);
  private static final ClassName LIST = ClassName.get(List.class);
  private static final ClassName ITERABLE = ClassName.get(Iterable.class);

  private static final String INVOKER_FIELD = "INVOKER";
  private static final String POOL_FIELD = "pool";

  private final ClassDescriptor descriptor;
  private final ClassName generated;
  private final ClassName invoker;
  private final Map<MethodDescriptor, String> constantNames;

  private final boolean annotateGenerated;

  private ParallelClassWriter(ClassDescriptor descriptor, boolean annotateGenerated) {
    this.descriptor = descriptor;
    this.annotateGenerated = annotateGenerated;
    this.generated = descriptor.generatedClass();
    this.invoker = generated.nestedClass("Invoker");
    this.constantNames = constantNames(descriptor.methods());
  }

  /**
   * The source file of {@code descriptor}'s generated class, annotated {@code @Generated}.
   *
   * @param descriptor the annotated class, already validated
   * @return the generated source file, not yet written
   */
  public static JavaFile write(ClassDescriptor descriptor) {
    return write(descriptor, true);
  }

  /**
   * The source file of {@code descriptor}'s generated class.
   *
   * @param descriptor the annotated class, already validated
   * @param annotateGenerated whether to annotate it {@code @javax.annotation.processing.Generated}:
   *     only when that type is visible where the class is compiled (a named module must read
   *     {@code java.compiler})
   * @return the generated source file, not yet written
   */
  public static JavaFile write(ClassDescriptor descriptor, boolean annotateGenerated) {
    return new ParallelClassWriter(descriptor, annotateGenerated).javaFile();
  }

  private JavaFile javaFile() {
    TypeSpec.Builder type =
        TypeSpec.classBuilder(generated)
            .addOriginatingElement(descriptor.element())
            .addJavadoc(
                "Tasks for the {@code @Parallelizable} methods of {@link $T}.\n\n"
                    + "<p>The static methods create deferred calls that any {@link $T} runs;"
                    + " {@link #on($T)}\nbinds a pool for the {@code ...Async} and {@code ...Map}"
                    + " methods. Thread-safe.\n\n"
                    + "<p>Generated by the Parallelizable annotation processor; do not edit.\n",
                descriptor.declaringClass(),
                POOL,
                POOL)
            .addModifiers(descriptor.visibility().modifiers())
            .addModifiers(FINAL)
            .addField(
                FieldSpec.builder(invoker, INVOKER_FIELD, PRIVATE, STATIC, FINAL)
                    .initializer("new $T()", invoker)
                    .build());
    if (annotateGenerated) {
      // Annotations are written before modifiers, wherever they are added.
      type.addAnnotation(
          AnnotationSpec.builder(GENERATED)
              .addMember("value", "$S", ParallelizableProcessor.class.getCanonicalName())
              .build());
    }
    descriptor.methods().forEach(method -> type.addField(constant(method)));
    type.addField(POOL, POOL_FIELD, PRIVATE, FINAL).addMethod(constructor()).addMethod(factory());
    descriptor.methods().forEach(method -> type.addMethod(taskMethod(method)));
    for (MethodDescriptor method : descriptor.methods()) {
      type.addMethod(asyncMethod(method));
      if (method.hasMap()) {
        type.addMethod(mapMethod(method));
      }
    }
    type.addType(invokerClass());
    return JavaFile.builder(generated.packageName(), type.build())
        .skipJavaLangImports(true)
        .build();
  }

  private FieldSpec constant(MethodDescriptor method) {
    TypeName result =
        method.resultUsesTypeVariables()
            ? WildcardTypeName.subtypeOf(Object.class)
            : method.resultType();
    CodeBlock.Builder initializer =
        CodeBlock.builder()
            .add(
                "$T.of($N,$W$S,$W$S,$W$S",
                TASK_METHOD,
                INVOKER_FIELD,
                method.key(),
                descriptor.binaryName(),
                method.methodName());
    if (method.fingerprint() != 0) {
      initializer.add(",$W$L", String.format("0x%016xL", method.fingerprint()));
    }
    List<ParameterDescriptor> parameters = method.taskParameters();
    for (int i = 0; i < parameters.size(); i++) {
      boolean varargs = method.varargs() && i == parameters.size() - 1;
      initializer.add(",$W$S", description(parameters.get(i), varargs));
    }
    return FieldSpec.builder(
            ParameterizedTypeName.get(TASK_METHOD, result),
            constantNames.get(method),
            PRIVATE,
            STATIC,
            FINAL)
        .initializer(initializer.add(")").build())
        .build();
  }

  /** A parameter as {@code TaskMethod.of} records it: {@code "java.nio.file.Path source"}. */
  private static String description(ParameterDescriptor parameter, boolean varargs) {
    String type = parameter.type().toString();
    if (varargs) {
      type = type.substring(0, type.length() - "[]".length()) + "...";
    }
    return type + ' ' + parameter.name();
  }

  private static MethodSpec constructor() {
    return MethodSpec.constructorBuilder()
        .addModifiers(PRIVATE)
        .addParameter(POOL, POOL_FIELD)
        .addStatement("this.$N = $N", POOL_FIELD, POOL_FIELD)
        .build();
  }

  private MethodSpec factory() {
    return MethodSpec.methodBuilder(ClassDescriptor.FACTORY_METHOD)
        .addJavadoc(
            "Returns an object whose {@code ...Async} and {@code ...Map} methods submit calls"
                + " to\n{@code pool}.\n")
        .addModifiers(descriptor.visibility().modifiers())
        .addModifiers(STATIC)
        .returns(generated)
        .addParameter(POOL, POOL_FIELD)
        .addStatement(
            "return new $T($T.requireNonNull($N, $S))", generated, OBJECTS, POOL_FIELD, POOL_FIELD)
        .build();
  }

  private MethodSpec taskMethod(MethodDescriptor method) {
    TypeName task = ParameterizedTypeName.get(TASK, method.resultType());
    MethodSpec.Builder builder =
        MethodSpec.methodBuilder(method.generatedName())
            .addJavadoc(
                "Returns a task that calls $L.\nCreating the task runs nothing; any pool can"
                    + " run it.\n",
                link(method))
            .addJavadoc(thrownTypesNote(method))
            .addModifiers(method.visibility().modifiers())
            .addModifiers(STATIC)
            .addTypeVariables(method.typeVariables())
            .returns(task)
            .addParameters(parameterSpecs(method.taskParameters()))
            .varargs(method.varargs());
    boolean unchecked =
        method.resultUsesTypeVariables() || method.heapPollution() == HeapPollution.POSSIBLE;
    addVarargsAnnotations(builder, method.heapPollution(), unchecked);

    List<ParameterDescriptor> parameters = method.taskParameters();
    List<CodeBlock> arguments = new ArrayList<>(parameters.size());
    for (ParameterDescriptor parameter : parameters) {
      if (method.receiver().filter(parameter::equals).isPresent()) {
        arguments.add(
            CodeBlock.of("$T.requireNonNull($N, $S)", OBJECTS, parameter.name(), parameter.name()));
      } else if (parameters.size() == 1 && isReferenceArray(parameter.type())) {
        // Alone, an Object[] would become bind's varargs array instead of its one argument.
        arguments.add(CodeBlock.of("($T) $N", Object.class, parameter.name()));
      } else {
        arguments.add(CodeBlock.of("$N", parameter.name()));
      }
    }
    CodeBlock bind =
        CodeBlock.of("$L.bind($L)", constantReference(method), CodeBlock.join(arguments, ",$W"));
    if (method.resultUsesTypeVariables()) {
      builder
          .addComment(
              "$L cannot use the type variables of $N; the task returns what $N returns.",
              constantNames.get(method),
              method.methodName(),
              method.methodName())
          .addStatement("return ($T) $L", task, bind);
    } else {
      builder.addStatement("return $L", bind);
    }
    return builder.build();
  }

  private MethodSpec asyncMethod(MethodDescriptor method) {
    MethodSpec.Builder builder =
        MethodSpec.methodBuilder(method.asyncName())
            .addJavadoc(
                "Runs $L on this object's pool.\nReturns at once (Python's {@code"
                    + " apply_async}).\n",
                link(method))
            .addModifiers(method.visibility().modifiers())
            .addTypeVariables(method.typeVariables())
            .returns(ParameterizedTypeName.get(ASYNC_RESULT, method.resultType()))
            .addParameters(parameterSpecs(method.taskParameters()))
            .varargs(method.varargs());
    if (method.heapPollution() == HeapPollution.SAFE_VARARGS) {
      // @SafeVarargs needs a method that cannot be overridden, even in a final class.
      builder.addModifiers(FINAL);
    }
    addVarargsAnnotations(
        builder, method.heapPollution(), method.heapPollution() == HeapPollution.POSSIBLE);
    CodeBlock arguments =
        method.taskParameters().stream()
            .map(parameter -> CodeBlock.of("$N", parameter.name()))
            .collect(CodeBlock.joining(", "));
    return builder
        .addStatement(
            "return $L.applyAsync($N($L))",
            poolReference(method),
            method.generatedName(),
            arguments)
        .build();
  }

  private MethodSpec mapMethod(MethodDescriptor method) {
    ParameterDescriptor input = method.parameters().get(0);
    String inputs = pluralOf(input.name());
    MethodSpec.Builder builder =
        MethodSpec.methodBuilder(method.mapName())
            .addJavadoc(
                "Runs $L on this object's pool, once per input.\nBlocks, then returns the"
                    + " results in input order (Python's {@code map}).\n",
                link(method))
            .addModifiers(method.visibility().modifiers())
            .addTypeVariables(method.typeVariables())
            .returns(ParameterizedTypeName.get(LIST, method.resultType()));
    method
        .receiver()
        .ifPresent(receiver -> builder.addParameters(parameterSpecs(List.of(receiver))));
    builder.addParameter(ParameterizedTypeName.get(ITERABLE, input.type().box()), inputs);
    if (method.receiver().isEmpty() && !method.resultUsesTypeVariables()) {
      // Each input is the method's one argument: a thread pool fills a batch's column from the
      // inputs themselves, without a task per input.
      return builder
          .addStatement(
              "return $T.map($L, $L, $T::$N, $N)",
              INVOCATIONS,
              poolReference(method),
              constantReference(method),
              generated,
              method.generatedName(),
              inputs)
          .build();
    }
    if (method.receiver().isEmpty()) {
      return builder
          .addStatement(
              "return $L.map($T::$N, $N)",
              poolReference(method),
              generated,
              method.generatedName(),
              inputs)
          .build();
    }
    return builder
        .addStatement(
            "return $L.map($N -> $N($N, $N), $N)",
            poolReference(method),
            input.name(),
            method.generatedName(),
            method.receiver().get().name(),
            input.name(),
            inputs)
        .build();
  }

  private TypeSpec invokerClass() {
    MethodSpec.Builder invoke =
        MethodSpec.methodBuilder("invoke")
            .addAnnotation(Override.class)
            .addModifiers(PUBLIC)
            .returns(Object.class)
            .addParameter(String.class, "key")
            .addParameter(Object[].class, "arguments")
            .addException(Throwable.class)
            .beginControlFlow("switch (key)");
    boolean unchecked = false;
    boolean rawtypes = false;
    for (MethodDescriptor method : descriptor.methods()) {
      List<CodeBlock> arguments = new ArrayList<>();
      for (ParameterDescriptor parameter : method.taskParameters()) {
        arguments.add(argument(parameter.cast(), arguments.size()));
        unchecked |= parameter.cast().unchecked();
        rawtypes |= parameter.cast().raw();
      }
      CodeBlock call = directCall(method, arguments);
      invoke.addCode("case $S:\n$>", method.key());
      if (method.returnsVoid()) {
        invoke.addStatement("$L", call).addStatement("return null");
      } else {
        invoke.addStatement("return $L", call);
      }
      invoke.addCode("$<");
    }
    invoke
        .addCode("default:\n$>")
        .addStatement(
            "throw $T.unknownKey($T.class, key)", INVOCATIONS, descriptor.declaringClass())
        .addCode("$<")
        .endControlFlow();
    List<String> warnings = new ArrayList<>(2);
    if (unchecked) {
      warnings.add("unchecked");
    }
    if (rawtypes) {
      warnings.add("rawtypes");
    }
    if (!warnings.isEmpty()) {
      invoke.addAnnotation(suppressWarnings(warnings));
    }
    MethodSpec.Builder invokeBatch = invokeBatch();
    if (!warnings.isEmpty()) {
      invokeBatch.addAnnotation(suppressWarnings(warnings));
    }
    return TypeSpec.classBuilder(invoker)
        .addJavadoc(
            "Calls the methods of {@link $T} by key.\nA worker process creates it by name,"
                + " through its public no-argument constructor.\n",
            descriptor.declaringClass())
        .addModifiers(PUBLIC, STATIC, FINAL)
        .addSuperinterface(TASK_INVOKER)
        .addMethod(invoke.build())
        .addMethod(
            MethodSpec.methodBuilder("batches")
                .addAnnotation(Override.class)
                .addModifiers(PUBLIC)
                .returns(boolean.class)
                .addStatement("return true")
                .build())
        .addMethod(invokeBatch.build())
        .build();
  }

  /**
   * The batch loop of every method: the columns cast to their arrays, then one direct call per row,
   * stopping at the first row that throws. A parameter of primitive type has a primitive column,
   * every other parameter an {@code Object[]}; the same rule as the runtime's, which reads the
   * parameter's type from the method's {@code TaskMethod}.
   */
  private MethodSpec.Builder invokeBatch() {
    MethodSpec.Builder batch =
        MethodSpec.methodBuilder("invokeBatch")
            .addAnnotation(Override.class)
            .addModifiers(PUBLIC)
            .returns(Object.class)
            .addParameter(String.class, "key")
            .addParameter(Object[].class, "columns")
            .addParameter(int.class, "count")
            .addParameter(BATCH_PROGRESS, "progress")
            .addException(BATCH_FAILURE)
            .beginControlFlow("switch (key)");
    for (MethodDescriptor method : descriptor.methods()) {
      batch.addCode("case $S: {\n$>", method.key());
      List<ParameterDescriptor> parameters = method.taskParameters();
      List<CodeBlock> arguments = new ArrayList<>(parameters.size());
      for (int p = 0; p < parameters.size(); p++) {
        ParameterDescriptor parameter = parameters.get(p);
        boolean primitive =
            parameter.type().isPrimitive() && !(method.varargs() && p == parameters.size() - 1);
        TypeName column = primitive ? ArrayTypeName.of(parameter.type()) : ArrayTypeName.of(Object.class);
        batch.addStatement("$T column$L = ($T) columns[$L]", column, p, column, p);
        arguments.add(primitive ? CodeBlock.of("column$L[i]", p) : cast(parameter.cast(), "column" + p + "[i]"));
      }
      CodeBlock call = directCall(method, arguments);
      TypeName result = null;
      if (!method.returnsVoid()) {
        TypeName declared = TypeName.get(method.element().getReturnType());
        result = declared.isPrimitive() ? ArrayTypeName.of(declared) : ArrayTypeName.of(Object.class);
        batch.addStatement(
            "$T results = new $T[count]", result, declared.isPrimitive() ? declared : ClassName.OBJECT);
      }
      batch
          .addStatement("int i = 0")
          .beginControlFlow("try")
          .beginControlFlow("for (; i < count; i++)")
          .beginControlFlow("if (progress != null)")
          .addStatement("progress.started(i)")
          .endControlFlow();
      if (result == null) {
        batch.addStatement("$L", call);
      } else {
        batch.addStatement("results[i] = $L", call);
      }
      batch
          .endControlFlow()
          .nextControlFlow("catch ($T e)", Throwable.class)
          .addStatement("throw new $T(i, e, $L)", BATCH_FAILURE, result == null ? "null" : "results")
          .endControlFlow()
          .addStatement(result == null ? "return null" : "return results")
          .addCode("$<}\n");
    }
    return batch
        .addCode("default:\n$>")
        .addStatement(
            "throw $T.unknownKey($T.class, key)", INVOCATIONS, descriptor.declaringClass())
        .addCode("$<")
        .endControlFlow();
  }

  /** {@code value}, an {@code Object}, cast back to a parameter's type. */
  private static CodeBlock cast(ArgumentCast cast, String value) {
    if (!cast.isNeeded()) {
      return CodeBlock.of("$L", value);
    }
    CodeBlock types =
        cast.types().stream()
            .map(type -> CodeBlock.of("$T", type))
            .collect(CodeBlock.joining(" & "));
    return CodeBlock.of("($L) $L", types, value);
  }

  /** {@code arguments[i]}, cast back to the parameter's type. */
  private static CodeBlock argument(ArgumentCast cast, int index) {
    if (!cast.isNeeded()) {
      return CodeBlock.of("arguments[$L]", index);
    }
    CodeBlock types =
        cast.types().stream()
            .map(type -> CodeBlock.of("$T", type))
            .collect(CodeBlock.joining(" & "));
    return CodeBlock.of("($L) arguments[$L]", types, index);
  }

  /** A javadoc link to the annotated method, such as {@code {@link Cubes#cube(int)}}. */
  private CodeBlock link(MethodDescriptor method) {
    CodeBlock parameterTypes =
        method.parameters().stream()
            .map(parameter -> CodeBlock.of("$T", parameter.erasure()))
            .collect(CodeBlock.joining(", "));
    return CodeBlock.of(
        "{@link $T#$N($L)}", descriptor.declaringClass(), method.methodName(), parameterTypes);
  }

  /**
   * For a method that declares exceptions, where they surface: {@link Task#call()} rethrows them,
   * and a pool reports them as the cause of a {@code TaskFailedException}.
   */
  private static CodeBlock thrownTypesNote(MethodDescriptor method) {
    if (method.thrownTypes().isEmpty()) {
      return CodeBlock.of("");
    }
    CodeBlock thrown =
        method.thrownTypes().stream()
            .map(
                type ->
                    type instanceof ClassName
                        ? CodeBlock.of("{@link $T}", type)
                        : CodeBlock.of("{@code $L}", type))
            .collect(CodeBlock.joining(", "));
    return CodeBlock.of(
        "\n<p>Declares $L, which {@link $T#call()} rethrows\nand a pool reports as the cause"
            + " of a {@link $T}.\n",
        thrown,
        TASK,
        TASK_FAILED);
  }

  private static List<ParameterSpec> parameterSpecs(List<ParameterDescriptor> parameters) {
    return parameters.stream()
        .map(parameter -> ParameterSpec.builder(parameter.type(), parameter.name()).build())
        .toList();
  }

  /** The constant of {@code method}, qualified where a parameter of the same name hides it. */
  private CodeBlock constantReference(MethodDescriptor method) {
    String constant = constantNames.get(method);
    return hasParameterNamed(method, constant)
        ? CodeBlock.of("$T.$N", generated, constant)
        : CodeBlock.of("$N", constant);
  }

  /** The pool field, qualified where a parameter named {@code pool} hides it. */
  private static CodeBlock poolReference(MethodDescriptor method) {
    return hasParameterNamed(method, POOL_FIELD)
        ? CodeBlock.of("this.$N", POOL_FIELD)
        : CodeBlock.of("$N", POOL_FIELD);
  }

  private static boolean hasParameterNamed(MethodDescriptor method, String name) {
    return method.taskParameters().stream().anyMatch(parameter -> parameter.name().equals(name));
  }

  private static boolean isReferenceArray(TypeName type) {
    return type instanceof ArrayTypeName array && !array.componentType().isPrimitive();
  }

  /**
   * Declares a {@code @SafeVarargs} method's safety again, as the annotated method does, and
   * suppresses the {@code varargs} warning for handing the array on, which is what the annotated
   * method is trusted with.
   */
  private static void addVarargsAnnotations(
      MethodSpec.Builder builder, HeapPollution heapPollution, boolean unchecked) {
    boolean safeVarargs = heapPollution == HeapPollution.SAFE_VARARGS;
    if (safeVarargs) {
      builder.addAnnotation(SafeVarargs.class);
    }
    List<String> warnings = new ArrayList<>(2);
    if (unchecked) {
      warnings.add("unchecked");
    }
    if (safeVarargs) {
      warnings.add("varargs");
    }
    if (!warnings.isEmpty()) {
      builder.addAnnotation(suppressWarnings(warnings));
    }
  }

  private static AnnotationSpec suppressWarnings(List<String> warnings) {
    CodeBlock names =
        warnings.stream()
            .map(warning -> CodeBlock.of("$S", warning))
            .collect(CodeBlock.joining(", "));
    return AnnotationSpec.builder(SuppressWarnings.class)
        .addMember("value", warnings.size() == 1 ? "$L" : "{$L}", names)
        .build();
  }

  /**
   * One constant name per method: {@code cube} gives {@code CUBE}; overloads add their parameter
   * types, as in {@code SCALE_INT_INT}; a name still taken gets a trailing underscore.
   */
  private static Map<MethodDescriptor, String> constantNames(List<MethodDescriptor> methods) {
    Map<String, Long> overloads =
        methods.stream()
            .collect(Collectors.groupingBy(MethodDescriptor::generatedName, Collectors.counting()));
    NameAllocator names = new NameAllocator();
    names.newName(INVOKER_FIELD, INVOKER_FIELD);
    Map<MethodDescriptor, String> constants = new HashMap<>();
    for (MethodDescriptor method : methods) {
      StringBuilder name = new StringBuilder(upperSnakeCase(method.generatedName()));
      if (overloads.get(method.generatedName()) > 1) {
        for (ParameterDescriptor parameter : method.parameters()) {
          String erased = parameter.erasedName();
          name.append('_')
              .append(
                  upperSnakeCase(
                      erased.substring(erased.lastIndexOf('.') + 1).replace("[]", "Array")));
        }
      }
      constants.put(method, names.newName(name.toString(), method));
    }
    return constants;
  }

  /** {@code thumbnailSize} gives {@code THUMBNAIL_SIZE}, {@code toURL} gives {@code TO_URL}. */
  static String upperSnakeCase(String camelCase) {
    StringBuilder result = new StringBuilder(camelCase.length() + 4);
    for (int i = 0; i < camelCase.length(); i++) {
      char c = camelCase.charAt(i);
      if (i > 0 && Character.isUpperCase(c)) {
        char previous = camelCase.charAt(i - 1);
        boolean wordStart =
            Character.isLowerCase(previous)
                || Character.isDigit(previous)
                || (Character.isUpperCase(previous)
                    && i + 1 < camelCase.length()
                    && Character.isLowerCase(camelCase.charAt(i + 1)));
        if (wordStart) {
          result.append('_');
        }
      }
      result.append(Character.toUpperCase(c));
    }
    return result.toString();
  }

  /**
   * The name of a map method's inputs, from the parameter's name: {@code path} gives {@code
   * paths}, {@code box} gives {@code boxes}, {@code city} gives {@code cities}. A one-letter name
   * ({@code x}, {@code i}, {@code s}), whose plural would read as a word or an abbreviation ({@code
   * is}, {@code os}, {@code ss}), and a name already ending in {@code s}, give {@code inputs}; and
   * {@code inputs} itself gives {@code inputsList}, since an instance method's lambda still needs
   * it as its parameter.
   */
  static String pluralOf(String name) {
    if (name.length() == 1 || name.endsWith("s")) {
      return name.equals("inputs") ? "inputsList" : "inputs";
    }
    if (name.endsWith("x") || name.endsWith("z") || name.endsWith("ch") || name.endsWith("sh")) {
      return name + "es";
    }
    if (name.endsWith("y") && "aeiou".indexOf(name.charAt(name.length() - 2)) < 0) {
      return name.substring(0, name.length() - 1) + "ies";
    }
    return name + "s";
  }

  /**
   * The direct call of {@code method} with {@code arguments}: {@code Declaring.name(a, b)} for a
   * static method, {@code (a).name(b)} for an instance method, whose receiver is the first.
   */
  private CodeBlock directCall(MethodDescriptor method, List<CodeBlock> arguments) {
    return method.receiver().isEmpty()
        ? CodeBlock.of(
            "$T.$N($L)", descriptor.declaringClass(), method.methodName(), CodeBlock.join(arguments, ",$W"))
        : CodeBlock.of(
            "($L).$N($L)",
            arguments.get(0),
            method.methodName(),
            CodeBlock.join(arguments.subList(1, arguments.size()), ",$W"));
  }
}

package dev.parallelizable.processor;

import com.google.auto.service.AutoService;
import dev.parallelizable.processor.model.ClassDescriptor;
import dev.parallelizable.processor.model.DescriptorFactory;
import dev.parallelizable.processor.model.SourceFingerprints;
import dev.parallelizable.processor.model.TypeMirrors;
import dev.parallelizable.processor.validation.ClassValidator;
import dev.parallelizable.processor.validation.LocalClassScanner;
import dev.parallelizable.processor.validation.Messages;
import dev.parallelizable.processor.validation.MethodValidator;
import dev.parallelizable.processor.validation.ValidationReport;
import dev.parallelizable.processor.writer.ParallelClassWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.ModuleElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.TypeParameterElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.Diagnostic;

/**
 * Validates {@code @Parallelizable} methods and generates, for each class that declares some, a
 * {@code ...Parallel} class of tasks (see {@link ParallelClassWriter} for its shape).
 *
 * <p>Each class is handled on its own: every error in it is reported, tagged as the catalogue
 * {@code docs/compile-errors.md} lists, and then only that class is skipped. A class whose methods mention a type that
 * does not exist yet, perhaps because another processor generates it, waits for a later round. The
 * processor never throws; it claims no annotation, so other processors may see them too.
 *
 * <p>Isolating for Gradle's incremental compilation: each generated file depends on one class only,
 * its originating element.
 *
 * <p>Not thread-safe, like every processor: the compiler calls it from one thread, one instance per
 * compilation, and it keeps state across that compilation's rounds.
 */
@AutoService(Processor.class)
public final class ParallelizableProcessor extends AbstractProcessor {
  private static final String GENERATED_ANNOTATION = "javax.annotation.processing.Generated";
  /** Names of classes waiting for a type that a later round may generate, in the order found. */
  private final Set<String> deferredClassNames = new LinkedHashSet<>();

  private DescriptorFactory descriptors;
  private MethodValidator methodValidator;
  private ClassValidator classValidator;
  private LocalClassScanner localClassScanner;

  /** Creates the processor; the compiler finds it through {@code META-INF/services}. */
  public ParallelizableProcessor() {}

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(RuntimeNames.PARALLELIZABLE.canonicalName());
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    if (descriptors == null) {
      Elements elements = processingEnv.getElementUtils();
      Types types = processingEnv.getTypeUtils();
      descriptors =
          new DescriptorFactory(elements, types, SourceFingerprints.create(processingEnv));
      methodValidator = new MethodValidator(elements, types);
      classValidator = new ClassValidator(elements);
      localClassScanner = LocalClassScanner.create(processingEnv);
    }
    localClassScanner.reportMethodsInLocalClasses(round);
    Map<TypeElement, List<ExecutableElement>> classes = new LinkedHashMap<>();
    for (String name : deferredClassNames) {
      TypeElement type = processingEnv.getElementUtils().getTypeElement(name);
      if (type != null) {
        classes.put(type, annotatedMethods(type));
      }
    }
    deferredClassNames.clear();
    for (ExecutableElement method :
        ElementFilter.methodsIn(annotatedWithParallelizable(round))) {
      classes.computeIfAbsent((TypeElement) method.getEnclosingElement(), this::annotatedMethods);
    }
    classes.forEach((type, methods) -> processClass(type, methods, round.processingOver()));
    return false;
  }

  private Set<? extends Element> annotatedWithParallelizable(RoundEnvironment round) {
    TypeElement annotation =
        processingEnv.getElementUtils().getTypeElement(RuntimeNames.PARALLELIZABLE.canonicalName());
    // Without the runtime on the compile class path nothing can be annotated with it.
    return annotation == null ? Set.of() : round.getElementsAnnotatedWith(annotation);
  }

  private static boolean isParallelizable(ExecutableElement method) {
    String name = RuntimeNames.PARALLELIZABLE.canonicalName();
    return method.getAnnotationMirrors().stream()
        .anyMatch(mirror -> mirror.getAnnotationType().toString().equals(name));
  }

  private List<ExecutableElement> annotatedMethods(TypeElement type) {
    List<ExecutableElement> methods = new ArrayList<>();
    for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
      if (isParallelizable(method)) {
        methods.add(method);
      }
    }
    return methods;
  }

  private void processClass(TypeElement type, List<ExecutableElement> methods, boolean lastRound) {
    try {
      List<String> unresolved = unresolvedTypes(type, methods);
      if (!unresolved.isEmpty()) {
        if (lastRound) {
          processingEnv
              .getMessager()
              .printMessage(
                  Diagnostic.Kind.ERROR,
                  Messages.unresolvedType(
                      DescriptorFactory.generatedClassName(type).canonicalName(),
                      type.getQualifiedName().toString(),
                      unresolved),
                  type);
        } else {
          deferredClassNames.add(type.getQualifiedName().toString());
        }
        return;
      }
      ValidationReport.Builder report = ValidationReport.about(type);
      methods.forEach(method -> methodValidator.validate(method, report));
      ClassDescriptor descriptor = descriptors.create(type, methods);
      classValidator.validate(descriptor, report);
      ValidationReport result = report.build();
      result.printMessagesTo(processingEnv.getMessager());
      if (result.isClean()) {
        write(descriptor);
      }
    } catch (RuntimeException e) {
      StringWriter stackTrace = new StringWriter();
      e.printStackTrace(new PrintWriter(stackTrace));
      processingEnv
          .getMessager()
          .printMessage(
              Diagnostic.Kind.ERROR,
              Messages.internalError(type.getQualifiedName().toString(), stackTrace.toString()),
              type);
    }
  }

  /**
   * Whether {@code @javax.annotation.processing.Generated} can be used in the module of {@code
   * element}: a named module that does not read {@code java.compiler} cannot see it, and a wrapper
   * annotated with it would not compile there (as Dagger and AutoValue, the annotation is then left
   * out).
   */
  private boolean generatedIsVisible(Element element) {
    Elements elements = processingEnv.getElementUtils();
    ModuleElement module = elements.getModuleOf(element);
    TypeElement generated =
        module == null || module.isUnnamed()
            ? elements.getTypeElement(GENERATED_ANNOTATION)
            : elements.getTypeElement(module, GENERATED_ANNOTATION);
    return generated != null;
  }

  private void write(ClassDescriptor descriptor) {
    try {
      ParallelClassWriter.write(descriptor, generatedIsVisible(descriptor.element()))
          .writeTo(processingEnv.getFiler());
    } catch (IOException e) {
      processingEnv
          .getMessager()
          .printMessage(
              Diagnostic.Kind.ERROR,
              Messages.writeFailed(
                  descriptor.generatedClass().canonicalName(),
                  descriptor.declaringClass().canonicalName(),
                  String.valueOf(e.getMessage())),
              descriptor.element());
    }
  }

  /**
   * The unresolved types that the annotated methods' signatures or the class's supertypes (which
   * decide whether it is serializable) mention, as written; empty when every type is known.
   */
  private List<String> unresolvedTypes(TypeElement type, List<ExecutableElement> methods) {
    List<TypeMirror> mentioned = new ArrayList<>();
    for (ExecutableElement method : methods) {
      method.getParameters().stream().map(VariableElement::asType).forEach(mentioned::add);
      mentioned.add(method.getReturnType());
      mentioned.addAll(method.getThrownTypes());
      for (TypeParameterElement variable : method.getTypeParameters()) {
        mentioned.addAll(variable.getBounds());
      }
    }
    for (TypeParameterElement variable : type.getTypeParameters()) {
      mentioned.addAll(variable.getBounds());
    }
    addSupertypes(type, mentioned);
    Set<String> unresolved = new LinkedHashSet<>();
    for (TypeMirror mirror : mentioned) {
      for (DeclaredType referenced : TypeMirrors.referencedTypes(mirror)) {
        if (referenced.getKind() == TypeKind.ERROR) {
          unresolved.add(referenced.toString());
        }
      }
    }
    return List.copyOf(unresolved);
  }

  private static void addSupertypes(TypeElement type, List<TypeMirror> mentioned) {
    List<TypeMirror> direct = new ArrayList<>(type.getInterfaces());
    direct.add(type.getSuperclass());
    for (TypeMirror supertype : direct) {
      mentioned.add(supertype);
      if (supertype.getKind() == TypeKind.DECLARED) {
        addSupertypes((TypeElement) ((DeclaredType) supertype).asElement(), mentioned);
      }
    }
  }
}

package dev.parallelizable.processor;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;

/**
 * Runs a {@link ParallelizableProcessor} whose {@link Filer#createSourceFile} goes through a hook,
 * to observe what it writes or to make writing fail. It wraps javac's environment in a proxy, as
 * IntelliJ's build does.
 */
final class HookedProcessor extends AbstractProcessor {
  /** Creates a source file in place of the real filer, which it may call. */
  @FunctionalInterface
  interface SourceFileHook {
    JavaFileObject create(Filer filer, CharSequence name, Element... originatingElements)
        throws IOException;
  }

  /** A source file the processor created, with its originating elements. */
  record CreatedFile(String name, List<String> originatingElements) {}

  private final ParallelizableProcessor delegate = new ParallelizableProcessor();
  private final SourceFileHook hook;
  private final List<CreatedFile> created = new ArrayList<>();

  HookedProcessor(SourceFileHook hook) {
    this.hook = hook;
  }

  /** A processor that records the files it creates, then creates them as usual. */
  static HookedProcessor recording() {
    return new HookedProcessor(Filer::createSourceFile);
  }

  List<CreatedFile> createdFiles() {
    return created;
  }

  @Override
  public synchronized void init(ProcessingEnvironment environment) {
    super.init(environment);
    Filer realFiler = environment.getFiler();
    Filer filer =
        proxy(
            Filer.class,
            realFiler,
            (proxy, method, arguments) -> {
              if (!method.getName().equals("createSourceFile")) {
                return invoke(method, realFiler, arguments);
              }
              Element[] originating = (Element[]) arguments[1];
              created.add(
                  new CreatedFile(
                      arguments[0].toString(),
                      Arrays.stream(originating).map(Element::toString).toList()));
              return hook.create(realFiler, (CharSequence) arguments[0], originating);
            });
    delegate.init(
        proxy(
            ProcessingEnvironment.class,
            environment,
            (proxy, method, arguments) ->
                method.getName().equals("getFiler")
                    ? filer
                    : invoke(method, environment, arguments)));
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return delegate.getSupportedAnnotationTypes();
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return delegate.getSupportedSourceVersion();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    return delegate.process(annotations, round);
  }

  private static <T> T proxy(Class<T> type, T target, InvocationHandler handler) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }

  private static Object invoke(Method method, Object target, Object[] arguments) throws Throwable {
    try {
      return method.invoke(target, arguments);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}

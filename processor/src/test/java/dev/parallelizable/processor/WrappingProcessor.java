package dev.parallelizable.processor;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Runs a {@link ParallelizableProcessor} on a wrapper of javac's environment, as build tools do:
 * Gradle passes every incremental processor a class that delegates to javac's environment, and
 * IntelliJ's build a {@link Proxy} whose invocation handler holds it.
 */
final class WrappingProcessor extends AbstractProcessor {
  /** How javac's environment is wrapped. */
  enum Wrapping {
    /** A class that delegates every method to a field, as Gradle's. */
    DELEGATING_CLASS,
    /** A proxy whose handler, an anonymous class, holds the environment, as IntelliJ's. */
    PROXY,
    /** A proxy around a delegating class: two layers. */
    PROXY_AROUND_DELEGATING_CLASS,
    /** A class that reaches javac's environment only through a supplier, so it hides it. */
    OPAQUE;

    ProcessingEnvironment wrap(ProcessingEnvironment javacs) {
      return switch (this) {
        case DELEGATING_CLASS -> new DelegatingEnvironment(javacs);
        case PROXY -> proxy(javacs);
        case PROXY_AROUND_DELEGATING_CLASS -> proxy(new DelegatingEnvironment(javacs));
        case OPAQUE -> new SupplyingEnvironment(() -> javacs);
      };
    }
  }

  private final ParallelizableProcessor delegate = new ParallelizableProcessor();
  private final Wrapping wrapping;

  WrappingProcessor(Wrapping wrapping) {
    this.wrapping = wrapping;
  }

  @Override
  public synchronized void init(ProcessingEnvironment environment) {
    super.init(environment);
    delegate.init(wrapping.wrap(environment));
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

  private static ProcessingEnvironment proxy(ProcessingEnvironment delegateTo) {
    InvocationHandler handler =
        new InvocationHandler() {
          @Override
          public Object invoke(Object proxy, Method method, Object[] arguments) throws Throwable {
            try {
              return method.invoke(delegateTo, arguments);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          }
        };
    return (ProcessingEnvironment)
        Proxy.newProxyInstance(
            ProcessingEnvironment.class.getClassLoader(),
            new Class<?>[] {ProcessingEnvironment.class},
            handler);
  }

  /** Delegates every method to the environment in its field, as Gradle's wrapper. */
  private static final class DelegatingEnvironment extends ForwardingEnvironment {
    private final ProcessingEnvironment delegate;

    DelegatingEnvironment(ProcessingEnvironment delegate) {
      this.delegate = delegate;
    }

    @Override
    ProcessingEnvironment delegate() {
      return delegate;
    }
  }

  /** Delegates every method to the environment a supplier gives, which no field shows. */
  private static final class SupplyingEnvironment extends ForwardingEnvironment {
    private final Supplier<ProcessingEnvironment> delegate;

    SupplyingEnvironment(Supplier<ProcessingEnvironment> delegate) {
      this.delegate = delegate;
    }

    @Override
    ProcessingEnvironment delegate() {
      return delegate.get();
    }
  }

  /** Forwards every method of the environment to {@link #delegate()}. */
  private abstract static class ForwardingEnvironment implements ProcessingEnvironment {
    abstract ProcessingEnvironment delegate();

    @Override
    public Map<String, String> getOptions() {
      return delegate().getOptions();
    }

    @Override
    public Messager getMessager() {
      return delegate().getMessager();
    }

    @Override
    public Filer getFiler() {
      return delegate().getFiler();
    }

    @Override
    public Elements getElementUtils() {
      return delegate().getElementUtils();
    }

    @Override
    public Types getTypeUtils() {
      return delegate().getTypeUtils();
    }

    @Override
    public SourceVersion getSourceVersion() {
      return delegate().getSourceVersion();
    }

    @Override
    public Locale getLocale() {
      return delegate().getLocale();
    }

    @Override
    public boolean isPreviewEnabled() {
      return delegate().isPreviewEnabled();
    }
  }
}

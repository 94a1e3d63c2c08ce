package dev.parallelizable.processor.model;

import com.sun.source.util.Trees;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.ProcessingEnvironment;

/**
 * Finds javac's tree API for a processor's environment, also where a build tool hands the processor
 * a wrapper of javac's environment rather than javac's own, which {@link Trees#instance} rejects.
 * Gradle wraps it for every incremental processor ({@code IncrementalProcessingEnvironment}, field
 * {@code delegate}); IntelliJ's build wraps it in a {@link Proxy} whose invocation handler holds it
 * (field {@code val$delegateTo}); other tools wrap it in their own classes. The search unwraps such
 * layers, whatever their fields are called: it looks into a proxy's invocation handler, then at
 * every instance field of the wrapper (or handler) that holds a {@link ProcessingEnvironment}, and
 * so on, a few layers deep, until one of them is javac's.
 *
 * <p>Stateless; for the processing thread only, like the tree API it returns.
 */
public final class CompilerTrees {
  /** Layers of wrapping to look through; the tools known wrap once or twice. */
  private static final int MAX_LAYERS = 6;

  private CompilerTrees() {}

  /**
   * javac's tree API behind {@code environment}.
   *
   * @param environment the processor's environment, javac's own or a wrapper of it
   * @return the tree API; empty under another compiler, or behind a wrapper that hides javac's
   *     environment
   */
  public static Optional<Trees> of(ProcessingEnvironment environment) {
    return Optional.ofNullable(
        find(environment, 0, Collections.newSetFromMap(new IdentityHashMap<>())));
  }

  private static Trees find(ProcessingEnvironment environment, int layer, Set<Object> seen) {
    if (layer > MAX_LAYERS || !seen.add(environment)) {
      return null;
    }
    try {
      return Trees.instance(environment);
    } catch (IllegalArgumentException notJavacsOwn) {
      // a wrapper: look inside it
    }
    Object holder =
        Proxy.isProxyClass(environment.getClass())
            ? Proxy.getInvocationHandler(environment)
            : environment;
    for (ProcessingEnvironment wrapped : environmentsHeldBy(holder)) {
      Trees trees = find(wrapped, layer + 1, seen);
      if (trees != null) {
        return trees;
      }
    }
    return null;
  }

  /** The values of {@code holder}'s instance fields that are environments, in declaration order. */
  private static List<ProcessingEnvironment> environmentsHeldBy(Object holder) {
    List<ProcessingEnvironment> held = new ArrayList<>();
    for (Class<?> type = holder.getClass(); type != null; type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
          continue;
        }
        try {
          field.setAccessible(true);
          if (field.get(holder) instanceof ProcessingEnvironment environment) {
            held.add(environment);
          }
        } catch (RuntimeException | IllegalAccessException closed) {
          // a field of a module that does not open it to us: it cannot be read, so skip it
        }
      }
    }
    return held;
  }
}

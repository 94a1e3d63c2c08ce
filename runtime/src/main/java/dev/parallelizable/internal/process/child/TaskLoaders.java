package dev.parallelizable.internal.process.child;

import dev.parallelizable.Codec;
import dev.parallelizable.ParallelException;
import dev.parallelizable.internal.Describe;
import dev.parallelizable.internal.protocol.FrameInput;
import dev.parallelizable.internal.shared.SharedMappings;
import dev.parallelizable.support.Invocations;
import dev.parallelizable.support.TaskInvoker;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.ByteBuffer;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The class loaders a worker runs its tasks in when its pool recycles class loaders ({@code
 * ProcessPoolBuilder.maxTasksPerClassLoader}): a fresh loader over the application's classpath for
 * every {@code tasksPerLoader} tasks, so that each run of tasks starts with fresh static state, at
 * the cost of loading its classes again rather than of starting a JVM.
 *
 * <p>A task loader defines the application's classes and its libraries' itself, from the class
 * files the worker's own loader finds (so it opens no jar of its own). It delegates only the JDK's
 * classes (to the platform loader, and to the system loader for the JDK's modules it defines) and
 * the classes of the Parallelizable runtime, to the loader that loaded this worker: the worker and
 * the generated invokers must share {@link TaskInvoker}. Anything else in a package of the runtime
 * (an application class in {@code dev.parallelizable}) is the task loader's own, found by where its
 * class file is.
 *
 * <p>The initializer, if the pool has one, runs again in each new loader before its first task; if
 * it throws there, that task fails with what it threw, and the next task gets another new loader. A
 * loader that has run its tasks is dropped; its classes are unloaded once nothing refers to them (a
 * thread a task left running, or a value it put in a static field of the JDK, keeps them).
 *
 * <p>Not thread-safe: used by the worker's main thread only, which runs the tasks with the current
 * task loader as its context class loader.
 */
final class TaskLoaders {
  private final ClassLoader worker;
  private final RuntimeClasses runtime;
  /** The code sources of the application's class files, by location, shared by every loader. */
  private final Map<String, ProtectionDomain> domains = new ConcurrentHashMap<>();
  private final int tasksPerLoader;
  /** The initializer's tasks block, as the INIT frame held it; null for none. */
  private final byte[] initializer;
  private final Codec codec;
  private final String where;
  /** Where the initializer's references to shared data resolve: the current parent's directory. */
  private SharedMappings shared;
  /** Generated invokers by class name, created in {@link #current}; cleared with it. */
  private final Map<String, TaskInvoker> invokers = new HashMap<>();
  private TaskLoader current;
  private int tasksInCurrent;
  private int generation;

  TaskLoaders(int tasksPerLoader, byte[] initializer, Codec codec, String where, SharedMappings shared) {
    this.tasksPerLoader = tasksPerLoader;
    this.initializer = initializer;
    this.codec = codec;
    this.where = where;
    this.shared = shared;
    this.worker = WorkerMain.class.getClassLoader();
    this.runtime = new RuntimeClasses(worker);
  }

  /** A warm worker serves a new parent, whose directory of shared data is {@code shared}. */
  void shared(SharedMappings shared) {
    this.shared = shared;
  }

  /**
   * Makes ready the loader the next task runs in: a new one if none is current or the current one
   * ran its tasks, with the initializer run in it.
   *
   * @throws Throwable what the initializer threw in the new loader; the task then fails with it
   */
  void beforeTask() throws Throwable {
    if (current == null || tasksInCurrent >= tasksPerLoader) {
      try {
        renew();
      } catch (Throwable e) {
        throw new ParallelException(
            "The initializer failed in a new class loader of " + where + " (maxTasksPerClassLoader): "
                + Describe.throwable(e),
            e);
      }
    }
    tasksInCurrent++;
  }

  /**
   * Replaces the current loader with a new one and runs the initializer in it; called directly at
   * the worker's start, where what the initializer throws fails the start as it does without
   * recycling.
   *
   * @throws Throwable what the initializer threw; no loader is current then
   */
  void renew() throws Throwable {
    close();
    generation++;
    current = new TaskLoader("parallelizable-tasks-" + generation, runtime, worker, domains);
    tasksInCurrent = 0;
    Thread.currentThread().setContextClassLoader(current);
    if (initializer != null) {
      try {
        FrameInput in = new FrameInput(ByteBuffer.wrap(initializer));
        in.sharedMappings(shared);
        in.readInt();
        new TaskBlock(in, codec, where, this).call(in);
      } catch (Throwable e) {
        close(); // the next task tries a new loader
        throw e;
      }
    }
  }

  /** Counts how often the loader was replaced, so that a block knows its invokers are stale. */
  int generation() {
    return generation;
  }

  /** The invoker of {@code className} in the current loader, created on first use. */
  TaskInvoker invoker(String className) {
    TaskInvoker invoker = invokers.get(className);
    if (invoker == null) {
      invoker = Invocations.newInvoker(className, current);
      invokers.put(className, invoker);
    }
    return invoker;
  }

  /** Drops the current loader: nothing of the worker refers to it or its classes any more. */
  private void close() {
    invokers.clear();
    current = null;
    Thread.currentThread().setContextClassLoader(worker);
  }

  /**
   * A loader of the application's classes afresh: it defines each class itself, from the class file
   * the worker's own loader finds. The files are read through that loader, whose jars are open
   * already, so a new loader opens no file of its own and has nothing to close.
   */
  static final class TaskLoader extends ClassLoader {
    static {
      registerAsParallelCapable();
    }

    private final ClassLoader worker;
    private final Map<String, ProtectionDomain> domains;

    TaskLoader(String name, RuntimeClasses parent, ClassLoader worker, Map<String, ProtectionDomain> domains) {
      super(name, parent);
      this.worker = worker;
      this.domains = domains;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      String path = name.replace('.', '/').concat(".class");
      URL url = worker.getResource(path);
      if (url == null) {
        throw new ClassNotFoundException(name);
      }
      byte[] bytes;
      try (InputStream in = url.openStream()) {
        bytes = in.readAllBytes();
      } catch (IOException e) {
        throw new ClassNotFoundException(name + ": " + url + " could not be read", e);
      }
      return defineClass(name, bytes, 0, bytes.length, domain(url, path));
    }

    /**
     * The protection domain of the class file at {@code url}: one per jar or directory, whose
     * location libraries read to find their own jar.
     */
    private ProtectionDomain domain(URL url, String path) {
      String text = url.toString();
      int jarEntry = text.lastIndexOf("!/");
      String location = text.startsWith("jar:") && jarEntry > 0
          ? text.substring(4, jarEntry)
          : text.endsWith(path) ? text.substring(0, text.length() - path.length()) : text;
      ProtectionDomain domain = domains.get(location);
      if (domain == null) {
        URL where;
        try {
          where = URI.create(location).toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
          where = null; // a scheme this JVM has no handler for: the class has no location
        }
        domain = new ProtectionDomain(new CodeSource(where, (Certificate[]) null), null);
        domains.putIfAbsent(location, domain);
      }
      return domain;
    }

    @Override
    protected URL findResource(String name) {
      return worker.getResource(name);
    }

    @Override
    protected Enumeration<URL> findResources(String name) throws IOException {
      return worker.getResources(name);
    }
  }

  /**
   * The parent of task loaders: the JDK's classes, and the runtime's from the worker's loader.
   * Thread-safe, as class loaders must be.
   */
  static final class RuntimeClasses extends ClassLoader {
    static {
      registerAsParallelCapable();
    }

    private final ClassLoader worker;
    /** Where the runtime's class files are: the prefix of their resource URLs. */
    private final String runtimeLocation;
    /** Packages of the JDK's modules that the system loader defines (jdk.compiler's, ...). */
    private final Set<String> systemModulePackages = new HashSet<>();

    RuntimeClasses(ClassLoader worker) {
      super("parallelizable-runtime", ClassLoader.getPlatformClassLoader());
      this.worker = worker;
      String self = WorkerMain.class.getName().replace('.', '/') + ".class";
      String url = String.valueOf(worker.getResource(self));
      this.runtimeLocation = url.substring(0, url.length() - self.length());
      ClassLoader system = ClassLoader.getSystemClassLoader();
      for (Module module : ModuleLayer.boot().modules()) {
        if (module.getClassLoader() == system) {
          systemModulePackages.addAll(module.getPackages());
        }
      }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      int dot = name.lastIndexOf('.');
      if (dot > 0 && systemModulePackages.contains(name.substring(0, dot))) {
        return ClassLoader.getSystemClassLoader().loadClass(name);
      }
      if (isRuntime(name.replace('.', '/') + ".class")) {
        return worker.loadClass(name);
      }
      throw new ClassNotFoundException(name);
    }

    @Override
    protected URL findResource(String name) {
      return isRuntime(name) ? worker.getResource(name) : null;
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
      URL url = findResource(name);
      return url == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(url));
    }

    /** Whether the resource {@code name} is the runtime's own. */
    boolean isRuntime(String name) {
      if (!name.startsWith("dev/parallelizable/")) {
        return false;
      }
      URL url = worker.getResource(name);
      return url != null && url.toString().startsWith(runtimeLocation);
    }
  }
}

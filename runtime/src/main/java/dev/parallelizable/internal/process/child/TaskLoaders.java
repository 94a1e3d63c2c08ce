package dev.parallelizable.internal.process.child;

import dev.parallelizable.Codec;
import dev.parallelizable.ParallelException;
import dev.parallelizable.internal.Describe;
import dev.parallelizable.internal.protocol.FrameInput;
import dev.parallelizable.internal.shared.SharedMappings;
import dev.parallelizable.support.Invocations;
import dev.parallelizable.support.TaskInvoker;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The class loaders a worker runs its tasks in when its pool recycles class loaders ({@code
 * ProcessPoolBuilder.maxTasksPerClassLoader}): a fresh loader over the application's classpath for
 * every {@code tasksPerLoader} tasks, so that each run of tasks starts with fresh static state, at
 * the cost of loading its classes again rather than of starting a JVM.
 *
 * <p>A task loader loads the application's classes and its libraries' itself. It delegates only the
 * JDK's classes (to the platform loader, and to the system loader for the JDK's modules it defines)
 * and the classes of the Parallelizable runtime, to the loader that loaded this worker: the worker
 * and the generated invokers must share {@link TaskInvoker}. Anything else in a package of the
 * runtime (an application class in {@code dev.parallelizable}) is the task loader's own, found by
 * where its class file is.
 *
 * <p>The initializer, if the pool has one, runs again in each new loader before its first task; if
 * it throws there, that task fails with what it threw, and the next task gets another new loader. A
 * loader that has run its tasks is closed and dropped; its classes are unloaded once nothing refers
 * to them (a thread a task left running, or a value it put in a static field of the JDK, keeps them).
 *
 * <p>Not thread-safe: used by the worker's main thread only, which runs the tasks with the current
 * task loader as its context class loader.
 */
final class TaskLoaders {
  private final URL[] classpath;
  private final ClassLoader runtime;
  private final int tasksPerLoader;
  /** The initializer's tasks block, as the INIT frame held it; null for none. */
  private final byte[] initializer;
  private final Codec codec;
  private final String where;
  private final SharedMappings shared;
  /** Generated invokers by class name, created in {@link #current}; cleared with it. */
  private final Map<String, TaskInvoker> invokers = new HashMap<>();
  private URLClassLoader current;
  private int tasksInCurrent;
  private int generation;

  TaskLoaders(int tasksPerLoader, byte[] initializer, Codec codec, String where, SharedMappings shared) {
    this.tasksPerLoader = tasksPerLoader;
    this.initializer = initializer;
    this.codec = codec;
    this.where = where;
    this.shared = shared;
    ClassLoader worker = WorkerMain.class.getClassLoader();
    this.classpath = applicationClasspath(worker);
    this.runtime = new RuntimeClasses(worker);
  }

  /**
   * Makes ready the loader the next task runs in: a new one if none is current or the current one
   * ran its tasks, with the initializer run in it.
   *
   * @throws Throwable what the initializer threw in the new loader; the task then fails with it
   */
  void beforeTask() throws Throwable {
    if (current == null || tasksInCurrent >= tasksPerLoader) {
      renew();
    }
    tasksInCurrent++;
  }

  /**
   * Replaces the current loader with a new one and runs the initializer in it; used at the start,
   * where a failure of the initializer fails the worker's start.
   */
  void renew() throws Throwable {
    close();
    generation++;
    current = new URLClassLoader("parallelizable-tasks-" + generation, classpath, runtime);
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
        throw new ParallelException(
            "The initializer failed in a new class loader of " + where + " (maxTasksPerClassLoader): "
                + Describe.throwable(e),
            e);
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

  private void close() {
    invokers.clear();
    URLClassLoader done = current;
    current = null;
    Thread.currentThread().setContextClassLoader(WorkerMain.class.getClassLoader());
    if (done != null) {
      try {
        done.close();
      } catch (IOException e) {
        // its jars stay open until it is collected
      }
    }
  }

  /**
   * Where the application's classes are: the URLs of the loader that loaded the worker when it says
   * (Spring Boot's launcher), else {@code java.class.path}, with which the worker was started.
   */
  static URL[] applicationClasspath(ClassLoader worker) {
    if (worker instanceof URLClassLoader urls) {
      return urls.getURLs();
    }
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        try {
          urls.add(Path.of(entry).toUri().toURL());
        } catch (MalformedURLException | RuntimeException e) {
          // not a path this JVM can read: the worker's own loader skips it too
        }
      }
    }
    return urls.toArray(new URL[0]);
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

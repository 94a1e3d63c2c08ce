package dev.parallelizable.internal.process;

import dev.parallelizable.internal.process.child.WorkerMain;
import java.io.File;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a worker JVM is started so that it loads the same code as the parent: the part of its
 * command line after the JVM options. Chosen once per pool from how the parent itself was
 * launched, looked at from the class loader of the runtime and of the caller:
 *
 * <ol>
 *   <li>A classpath given by the user: {@code -cp <it> WorkerMain}.
 *   <li>The runtime is in a named module of the boot layer (the application runs from the module
 *       path): {@code --module-path <jdk.module.path> --add-modules <the application's modules>
 *       --add-opens <each of their packages>=<runtime module> -m <runtime module>/WorkerMain}. The
 *       worker's main class need not be exported for {@code -m}; the opens let the worker create
 *       the generated invokers by name, which the parent never needs to do.
 *   <li>The runtime was loaded by Spring Boot's launcher from an executable jar (its class loader
 *       is named {@code org.springframework.boot.loader.launch.LaunchedClassLoader}, or {@code
 *       ...loader.LaunchedURLClassLoader} before Boot 3.2): {@code -cp <the jar>
 *       -Dloader.main=WorkerMain <Boot's PropertiesLauncher>}, so that the worker opens the nested
 *       jars as the parent did. Nothing of Boot is referenced by this code.
 *   <li>The runtime was loaded by the system class loader: {@code -cp <java.class.path> WorkerMain}.
 *   <li>Otherwise ({@code mvn exec:java}, test runners, other launchers with class loaders of their
 *       own): the classpath is the URLs of the {@code URLClassLoader}s from the caller's context
 *       class loader up to the system class loader, then {@code java.class.path}. A loader that is
 *       not URL-based says nothing about where its classes are: the launch then fails with a
 *       message asking for {@code classpath(...)}.
 * </ol>
 *
 * <p>Immutable.
 */
final class WorkerLaunch {
  static final String BOOT_LOADER = "org.springframework.boot.loader.launch.LaunchedClassLoader";
  static final String BOOT_LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";
  static final String LEGACY_BOOT_LOADER = "org.springframework.boot.loader.LaunchedURLClassLoader";
  static final String LEGACY_BOOT_LAUNCHER = "org.springframework.boot.loader.PropertiesLauncher";
  private static final String MODULE_PATH = "the module path";

  /** The arguments after the JVM options, main class and its launcher included. */
  final List<String> arguments;
  /** The classpath the workers get, checked against the classes they need; null if not by classpath. */
  final String classpath;
  /** How the launch was chosen, for messages. */
  final String kind;

  private WorkerLaunch(List<String> arguments, String classpath, String kind) {
    this.arguments = List.copyOf(arguments);
    this.classpath = classpath;
    this.kind = kind;
  }

  /** A launch with the classpath the user gave. */
  static WorkerLaunch classpath(String classpath, String kind) {
    return new WorkerLaunch(List.of("-cp", classpath, WorkerMain.class.getName()), classpath, kind);
  }

  /**
   * The launch that reproduces the parent's, as the overview says.
   *
   * @throws IllegalStateException with what to do, if it cannot be told
   */
  static WorkerLaunch ofParent() {
    Class<?> runtime = WorkerMain.class;
    ClassLoader runtimeLoader = runtime.getClassLoader();
    Module module = runtime.getModule();
    if (module.isNamed() && module.getLayer() == ModuleLayer.boot()) {
      return modulePath(module);
    }
    String loaderType = runtimeLoader == null ? "" : runtimeLoader.getClass().getName();
    if (loaderType.equals(BOOT_LOADER)) {
      return springBoot(BOOT_LAUNCHER);
    }
    if (loaderType.equals(LEGACY_BOOT_LOADER)) {
      return springBoot(LEGACY_BOOT_LAUNCHER);
    }
    if (runtimeLoader == ClassLoader.getSystemClassLoader()) {
      return classpath(parentClasspath(), "java.class.path");
    }
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    ClassLoader start = context != null && isAncestor(runtimeLoader, context) ? context : runtimeLoader;
    return classpath(derivedClasspath(start), "the class loaders of the application (" + start + ")");
  }

  private static WorkerLaunch modulePath(Module runtime) {
    String modulePath = System.getProperty("jdk.module.path", "");
    if (modulePath.isBlank()) {
      throw new IllegalStateException(
          "Cannot tell which module path worker processes need: the Parallelizable runtime is in"
              + " module " + runtime.getName() + " but jdk.module.path is empty. Give the workers a"
              + " classpath that holds the application and Parallelizable:"
              + " Parallel.processPool().classpath(...)");
    }
    Set<String> applicationModules = new TreeSet<>();
    List<String> opens = new ArrayList<>();
    ModuleFinder system = ModuleFinder.ofSystem();
    for (Module module : ModuleLayer.boot().modules()) {
      String name = module.getName();
      if (system.find(name).isPresent() || module == runtime) {
        continue;
      }
      applicationModules.add(name);
      // Only modules that use the runtime can hold generated invokers; automatic and open modules
      // are open already.
      if (module.canRead(runtime) && !module.getDescriptor().isOpen() && !module.getDescriptor().isAutomatic()) {
        for (String pkg : new TreeSet<>(module.getPackages())) {
          opens.add("--add-opens");
          opens.add(name + "/" + pkg + "=" + runtime.getName());
        }
      }
    }
    List<String> arguments = new ArrayList<>();
    arguments.add("--module-path");
    arguments.add(modulePath);
    String classpath = System.getProperty("java.class.path", "");
    if (!classpath.isBlank()) {
      arguments.add("-cp");
      arguments.add(classpath);
    }
    if (!applicationModules.isEmpty()) {
      arguments.add("--add-modules");
      arguments.add(String.join(",", applicationModules));
    }
    arguments.addAll(opens);
    arguments.add("-m");
    arguments.add(runtime.getName() + "/" + WorkerMain.class.getName());
    return new WorkerLaunch(arguments, null, MODULE_PATH);
  }

  /** Whether workers load the application from the module path, where no class loader can again. */
  boolean fromModulePath() {
    return kind.equals(MODULE_PATH);
  }

  private static WorkerLaunch springBoot(String launcher) {
    String jar = System.getProperty("java.class.path", "");
    String resource = launcher.replace('.', '/') + ".class";
    if (jar.isBlank() || jar.contains(File.pathSeparator)
        || ClassLoader.getSystemClassLoader().getResource(resource) == null) {
      throw new IllegalStateException(
          "The Parallelizable runtime was loaded by Spring Boot's launcher, but java.class.path ("
              + (jar.isBlank() ? "empty" : jar) + ") is not the one executable jar that holds "
              + launcher + ". Start the application with java -jar app.jar, or give the workers a"
              + " classpath that holds the application and Parallelizable:"
              + " Parallel.processPool().classpath(...)");
    }
    return new WorkerLaunch(
        List.of("-cp", jar, "-Dloader.main=" + WorkerMain.class.getName(), launcher),
        null,
        "Spring Boot's " + launcher.substring(launcher.lastIndexOf('.') + 1) + " in " + jar);
  }

  static String parentClasspath() {
    String classpath = System.getProperty("java.class.path", "");
    if (classpath.isBlank()) {
      throw new IllegalStateException(
          "Cannot tell which classpath worker processes need: java.class.path is empty (the"
              + " application was started without -cp, or by a launcher with a class loader of its"
              + " own). Give the workers a classpath that holds the application and"
              + " Parallelizable: Parallel.processPool().classpath(...)");
    }
    return classpath;
  }

  private static boolean isAncestor(ClassLoader ancestor, ClassLoader loader) {
    for (ClassLoader l = loader; l != null; l = l.getParent()) {
      if (l == ancestor) {
        return true;
      }
    }
    return false;
  }

  /**
   * The classpath of the URL-based class loaders from {@code start} up to the system class loader,
   * nearest first, then {@code java.class.path} if the chain reaches the system class loader.
   *
   * @throws IllegalStateException naming the loader that is not URL-based
   */
  static String derivedClasspath(ClassLoader start) {
    Set<String> entries = new LinkedHashSet<>();
    ClassLoader system = ClassLoader.getSystemClassLoader();
    ClassLoader platform = ClassLoader.getPlatformClassLoader();
    boolean reachesSystem = false;
    for (ClassLoader loader = start; loader != null && loader != platform; loader = loader.getParent()) {
      if (loader == system) {
        reachesSystem = true;
        break;
      }
      if (!(loader instanceof URLClassLoader)) {
        throw new IllegalStateException(
            "Cannot tell which classpath worker processes need: the application's classes come from"
                + " class loader " + loader + " (" + loader.getClass().getName() + "), which does not"
                + " say where it loads them from (it is not a URLClassLoader). Give the workers a"
                + " classpath that holds the application and Parallelizable:"
                + " Parallel.processPool().classpath(...)");
      }
      for (URL url : ((URLClassLoader) loader).getURLs()) {
        try {
          if ("file".equals(url.getProtocol())) {
            entries.add(Path.of(url.toURI()).toString());
          }
        } catch (URISyntaxException | IllegalArgumentException e) {
          // not a local file: workers cannot load from it either
        }
      }
    }
    if (reachesSystem) {
      for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
        if (!entry.isEmpty()) {
          entries.add(entry);
        }
      }
    }
    if (entries.isEmpty()) {
      throw new IllegalStateException(
          "Cannot tell which classpath worker processes need: the class loaders of the application,"
              + " from " + start + ", list no local jar or directory. Give the workers a classpath"
              + " that holds the application and Parallelizable: Parallel.processPool().classpath(...)");
    }
    return String.join(File.pathSeparator, entries);
  }

  @Override
  public String toString() {
    return "WorkerLaunch[" + kind + "]";
  }
}

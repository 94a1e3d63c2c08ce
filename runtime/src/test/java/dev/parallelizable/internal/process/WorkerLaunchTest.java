package dev.parallelizable.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.internal.process.child.WorkerMain;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How workers are started when the application's classes come from a launcher's class loader. */
class WorkerLaunchTest {

  @Test
  void aChainOfUrlClassLoadersGivesTheirEntriesNearestFirstThenTheClasspath(@TempDir Path directory)
      throws Exception {
    Path outer = directory.resolve("outer.jar");
    Path inner = directory.resolve("classes");
    try (URLClassLoader parent =
            new URLClassLoader(new URL[] {outer.toUri().toURL()}, ClassLoader.getSystemClassLoader());
        URLClassLoader child = new URLClassLoader(new URL[] {inner.toUri().toURL()}, parent)) {
      String classpath = WorkerLaunch.derivedClasspath(child);
      List<String> entries = List.of(classpath.split(File.pathSeparator));
      assertEquals(inner.toString(), entries.get(0));
      assertEquals(outer.toString(), entries.get(1));
      assertEquals(
          List.of(System.getProperty("java.class.path").split(File.pathSeparator)),
          entries.subList(2, entries.size()));
    }
  }

  @Test
  void aClassLoaderThatIsNotUrlBasedIsNamedWithTheFix() {
    ClassLoader opaque = new ClassLoader("plugins", ClassLoader.getSystemClassLoader()) {};
    IllegalStateException refused =
        assertThrows(IllegalStateException.class, () -> WorkerLaunch.derivedClasspath(opaque));
    assertTrue(refused.getMessage().contains("it is not a URLClassLoader"), refused.getMessage());
    assertTrue(refused.getMessage().contains("Parallel.processPool().classpath(...)"), refused.getMessage());
  }

  @Test
  void aGivenClasspathIsUsedAsItIs() {
    WorkerLaunch launch = WorkerLaunch.classpath("a.jar" + File.pathSeparator + "b", "classpath(...)");
    assertEquals(
        List.of("-cp", "a.jar" + File.pathSeparator + "b", WorkerMain.class.getName()), launch.arguments);
  }

  @Test
  void fromTheSystemClassLoaderWorkersGetTheParentsClasspath() {
    WorkerLaunch launch = WorkerLaunch.ofParent();
    assertEquals(System.getProperty("java.class.path"), launch.classpath);
    assertEquals(WorkerMain.class.getName(), launch.arguments.get(launch.arguments.size() - 1));
  }
}

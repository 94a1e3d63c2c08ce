package dev.parallelizable.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Workers never outlive their parent JVM: neither when it is killed nor when it exits. And a parent
 * started as Maven Surefire starts tests, with a jar whose manifest holds the classpath, gives its
 * workers that classpath.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ParentDeathTest {
  private static final Duration WORKERS_GONE_WITHIN = Duration.ofSeconds(2);

  private static Process startParent(String mode) throws IOException {
    return startParent(System.getProperty("java.class.path"), mode);
  }

  private static Process startParent(String classpath, String mode) throws IOException {
    return startParent(classpath, null, mode);
  }

  /** A parent whose temporary directory, where its workers' directories go, is {@code tmpdir}. */
  private static Process startParent(Path tmpdir, String mode) throws IOException {
    return startParent(System.getProperty("java.class.path"), tmpdir, mode);
  }

  private static Process startParent(String classpath, Path tmpdir, String mode) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (tmpdir != null) {
      command.add("-Djava.io.tmpdir=" + tmpdir);
    }
    command.addAll(List.of("-cp", classpath, ParentMain.class.getName(), mode));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  @Test
  void aManifestOnlyJarGivesWorkersTheClasspathOfItsManifest(@TempDir Path directory) throws Exception {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(
        Attributes.Name.CLASS_PATH,
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(entry -> Path.of(entry).toUri().toString())
            .collect(Collectors.joining(" ")));
    Path booter = directory.resolve("booter.jar");
    // the manifest is the whole content, as in Surefire's booter jar
    new JarOutputStream(Files.newOutputStream(booter), manifest).close();
    Process parent = startParent(booter.toString(), "apply");
    try {
      assertEquals("RESULT 27", lineStartingWith(output(parent), "RESULT"));
      assertEquals(0, parent.waitFor());
    } finally {
      parent.destroyForcibly();
    }
  }

  private static BufferedReader output(Process parent) {
    return new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
  }

  /** Reads the parent's output up to a line that starts with {@code prefix}, and returns it. */
  private static String lineStartingWith(BufferedReader output, String prefix) throws IOException {
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = output.readLine()) != null) {
      if (line.startsWith(prefix)) {
        return line;
      }
      seen.append(line).append('\n');
    }
    throw new AssertionError("The parent ended before printing " + prefix + ":\n" + seen);
  }

  private static Set<Long> workers(BufferedReader output) throws IOException {
    String line = lineStartingWith(output, "WORKERS ");
    Set<Long> workers =
        Arrays.stream(line.substring(8).trim().split(" ")).map(Long::parseLong).collect(Collectors.toSet());
    assertEquals(2, workers.size(), line);
    return workers;
  }

  @Test
  void busyWorkersExitWhenTheParentIsKilled() throws Exception {
    Process parent = startParent("busy");
    try {
      BufferedReader output = output(parent);
      Set<Long> workers = workers(output);
      lineStartingWith(output, "[worker-");
      lineStartingWith(output, "[worker-"); // both print BUSY as their task starts
      assertTrue(workers.stream().allMatch(pid -> ProcessHandle.of(pid).isPresent()));
      parent.destroyForcibly().waitFor();
      await().atMost(WORKERS_GONE_WITHIN).until(() -> Workers.allGone(workers));
    } finally {
      parent.destroyForcibly();
    }
  }

  /** The shared-data directories of the process {@code pid}. */
  private static List<Path> sharedDirectories(long pid) throws IOException {
    List<Path> found = new ArrayList<>();
    for (Path root : List.of(Path.of("/dev/shm"), Path.of(System.getProperty("java.io.tmpdir")))) {
      if (Files.isDirectory(root)) {
        try (Stream<Path> entries = Files.list(root)) {
          entries.filter(p -> p.getFileName().toString().startsWith("parallelizable-shared-" + pid + "-"))
              .forEach(found::add);
        }
      }
    }
    return found;
  }

  @Test
  void sharedDataIsDeletedWhenTheParentIsKilled() throws Exception {
    Process parent = startParent("shared");
    try {
      BufferedReader output = output(parent);
      Set<Long> workers = workers(output);
      lineStartingWith(output, "[worker-");
      lineStartingWith(output, "[worker-");
      List<Path> directories = sharedDirectories(parent.pid());
      assertEquals(1, directories.size(), directories.toString());
      try (Stream<Path> files = Files.list(directories.get(0))) {
        assertEquals(2, files.count(), "the handle's file and the large array's");
      }
      parent.destroyForcibly().waitFor();
      await().atMost(WORKERS_GONE_WITHIN).until(() -> Workers.allGone(workers));
      await().atMost(WORKERS_GONE_WITHIN).until(() -> !Files.exists(directories.get(0)));
    } finally {
      parent.destroyForcibly();
    }
  }

  /** The entries of {@code tmpdir} named like a worker's directory. */
  private static List<Path> workerDirectories(Path tmpdir) throws IOException {
    try (Stream<Path> entries = Files.list(tmpdir)) {
      return entries.filter(p -> p.getFileName().toString().startsWith("parallelizable-")).collect(Collectors.toList());
    }
  }

  /** Runs a parent that starts a pool in {@code tmpdir}, runs a task and closes the pool. */
  private static void runParent(Path tmpdir) throws Exception {
    Process parent = startParent(tmpdir, "apply");
    try {
      assertEquals("RESULT 27", lineStartingWith(output(parent), "RESULT"));
      assertEquals(0, parent.waitFor());
    } finally {
      parent.destroyForcibly();
    }
  }

  /** Sends {@code signal} to the processes {@code pids} (kill(1)). */
  private static void signal(String signal, Set<Long> pids) throws Exception {
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    pids.forEach(pid -> command.add(Long.toString(pid)));
    assertEquals(0, new ProcessBuilder(command).inheritIO().start().waitFor(), command.toString());
  }

  /**
   * A parent killed together with its workers (its process group or container killed, say: nothing
   * runs to clean up) leaves its workers' directories, with their exit traces, in the temporary
   * directory; the next parent that starts workers there deletes them, but never those of a parent
   * that still runs.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void theNextParentDeletesTheWorkerDirectoriesOfAKilledOne(@TempDir Path tmpdir) throws Exception {
    Process killed = startParent(tmpdir, "busy");
    try {
      BufferedReader output = output(killed);
      Set<Long> workers = workers(output);
      lineStartingWith(output, "[worker-");
      lineStartingWith(output, "[worker-");
      List<Path> left = workerDirectories(tmpdir); // the only parent's so far
      assertEquals(2, left.size(), left.toString());

      runParent(tmpdir);
      assertTrue(left.stream().allMatch(Files::isDirectory), "the directories of a running parent are kept");

      signal("STOP", workers); // frozen, they cannot clean up after the parent they outlive
      killed.destroyForcibly().waitFor();
      signal("KILL", workers);
      await().atMost(WORKERS_GONE_WITHIN).until(() -> Workers.allGone(workers));
      assertTrue(left.stream().allMatch(Files::isDirectory), "left behind by the killed parent");

      runParent(tmpdir);
      assertEquals(List.of(), workerDirectories(tmpdir), "swept, and the last parent's deleted as it closed");
    } finally {
      killed.destroyForcibly();
    }
  }

  /** {@code exit}: a pool left open; {@code kept-exit}: workers kept for reuse after their pool closed. */
  @ParameterizedTest
  @ValueSource(strings = {"exit", "kept-exit"})
  void workersExitWhenTheParentExits(String mode) throws Exception {
    Process parent = startParent(mode);
    try {
      Set<Long> workers = workers(output(parent));
      assertEquals(0, parent.waitFor());
      await().atMost(WORKERS_GONE_WITHIN).until(() -> Workers.allGone(workers));
    } finally {
      parent.destroyForcibly();
    }
  }

  /** Without standard input, the watch on the parent's process, set up once the input closed, ends them. */
  @Test
  void workersWhoseTasksClosedStandardInputExitWhenTheParentIsKilled() throws Exception {
    Process parent = startParent("closed-stdin");
    try {
      Set<Long> workers = workers(output(parent));
      assertTrue(workers.stream().allMatch(pid -> ProcessHandle.of(pid).isPresent()), "alive after the close");
      parent.destroyForcibly().waitFor();
      await().atMost(WORKERS_GONE_WITHIN).until(() -> Workers.allGone(workers));
    } finally {
      parent.destroyForcibly();
    }
  }

  @Test
  void keptWorkersExitWhenTheParentIsKilled() throws Exception {
    Process parent = startParent("kept");
    try {
      Set<Long> workers = workers(output(parent));
      assertTrue(workers.stream().allMatch(pid -> ProcessHandle.of(pid).isPresent()), "kept alive");
      parent.destroyForcibly().waitFor();
      await().atMost(WORKERS_GONE_WITHIN).until(() -> Workers.allGone(workers));
    } finally {
      parent.destroyForcibly();
    }
  }
}

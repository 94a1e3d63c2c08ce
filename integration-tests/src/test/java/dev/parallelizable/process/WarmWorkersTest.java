package dev.parallelizable.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.parallelizable.Parallel;
import dev.parallelizable.ProcessPoolBuilder;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers kept warm across runs ({@code reuseWorkersAcrossRuns}): each run is a parent JVM of its
 * own ({@link WarmMain}), whose {@code XDG_RUNTIME_DIR} is a temporary directory of the test, so the
 * workers of these tests meet no one else's.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WarmWorkersTest {
  private static final Duration GONE_WITHIN = Duration.ofSeconds(30);

  @TempDir Path runtimeDirectory;

  /** Kills what a failed test left parked in its directory. */
  @AfterEach
  void stopWhatIsLeft() throws IOException {
    for (Path pid : files("pid")) {
      ProcessHandle.of(Long.parseLong(Files.readString(pid).strip().split(" ")[0]))
          .ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void theWorkerOfAClosedPoolServesTheNextRunAndItsOutputReachesThatRun() throws Exception {
    Run first = run("run", "60", "first-run");
    Run second = run("run", "60", "second-run");
    assertEquals(first.workerPid, second.workerPid, second.output);
    assertTrue(second.output.contains("[worker-1] second-run"), second.output);
    assertTrue(second.output.contains("[worker-1] raw second-run"), second.output); // file descriptor 1 itself
    assertTrue(second.output.contains("[worker-1] err second-run"), second.output);
    assertFalse(second.output.contains("first-run"), second.output);
    Path root = root();
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root, LinkOption.NOFOLLOW_LINKS)));
    Path worker = workerDirectory(first.workerPid);
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(worker)));
    for (String pipe : List.of("u", "d", "o", "e", "w")) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(worker.resolve(pipe))), pipe);
    }
    assertTrue(Files.exists(worker.resolve("parked")), "parked again after the second run");
  }

  @Test
  void twoRunsAtOnceShareNoParkedWorker() throws Exception {
    Run first = run("run", "60", "one");
    // Both hold their worker until killed, so neither can hand it to the other.
    Process a = start(System.getProperty("java.class.path"), "serve", "60");
    Process b = start(System.getProperty("java.class.path"), "serve", "60");
    try {
      long pidA = WarmMain.workerPid(a);
      long pidB = WarmMain.workerPid(b);
      assertNotEquals(pidA, pidB);
      assertTrue(pidA == first.workerPid || pidB == first.workerPid, "one of them claimed the parked worker");
    } finally {
      a.destroyForcibly();
      b.destroyForcibly();
    }
  }

  @Test
  void aChangedClasspathNeverMeetsAWorkerOfTheOldOne(@TempDir Path classes) throws Exception {
    Path rebuilt = classes.resolve("Rebuilt.class");
    Files.writeString(rebuilt, "the first build");
    String classpath = System.getProperty("java.class.path") + File.pathSeparator + classes;
    Run first = runOn(classpath, "run", "60", "one");
    Files.writeString(rebuilt, "the next build!"); // the same size: only the content differs
    Run second = runOn(classpath, "run", "60", "two");
    assertNotEquals(first.workerPid, second.workerPid, second.output);
    Run third = runOn(classpath, "run", "60", "three");
    assertEquals(second.workerPid, third.workerPid, third.output);
    assertTrue(ProcessHandle.of(first.workerPid).isPresent(), "the old worker waits for its own build");
  }

  @Test
  void aParkedWorkerExpiresAndLeavesNoProcessAndNoFile() throws Exception {
    Run run = run("run", "3", "brief");
    Path worker = workerDirectory(run.workerPid);
    assertTrue(Files.exists(worker.resolve("parked")), run.output);
    await().atMost(GONE_WITHIN).until(() -> Workers.allGone(Set.of(run.workerPid)));
    await().atMost(GONE_WITHIN).until(() -> Files.notExists(worker));
  }

  @Test
  void aWorkerWhoseParentIsKilledWhileItServesEndsAndLeavesNoFile() throws Exception {
    Process parent = start(System.getProperty("java.class.path"), "serve", "60");
    try {
      long pid = WarmMain.workerPid(parent);
      Path worker = workerDirectory(pid);
      parent.destroyForcibly().waitFor();
      await().atMost(GONE_WITHIN).until(() -> Workers.allGone(Set.of(pid)));
      await().atMost(GONE_WITHIN).untilAsserted(() -> assertTrue(Files.notExists(worker), () -> left(worker)));
    } finally {
      parent.destroyForcibly();
    }
  }

  @Test
  void theCommandListsAndStopsParkedWorkers() throws Exception {
    Run run = run("run", "60", "listed");
    Path worker = workerDirectory(run.workerPid);
    String listed = command("list");
    assertTrue(listed.contains("pid " + run.workerPid + "  parked until"), listed);
    String stopped = command("stop");
    assertTrue(stopped.startsWith("Stopped 1 parked worker(s):"), stopped);
    await().atMost(GONE_WITHIN).until(() -> Workers.allGone(Set.of(run.workerPid)));
    assertTrue(Files.notExists(worker));
    assertEquals("No warm workers.", command("list").strip());
  }

  @Test
  void aRootThatIsNotPrivateKeepsNoWorker() throws Exception {
    Path root = runtimeDirectory.resolve("parallelizable-warm-" + System.getProperty("user.name"));
    Files.createDirectory(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    assertKeptNothing(run("run", "60", "open"), "its mode is rwxr-xr-x, not rwx------", root);
  }

  @Test
  void aWorkerKeptForTheLongestDurationStaysParkedUntilStopped() throws Exception {
    Run run = run("run", Long.toString(Long.MAX_VALUE), "for good");
    String listed = command("list");
    assertTrue(listed.contains("pid " + run.workerPid + "  parked until +292278994-"), listed);
    assertTrue(command("stop").startsWith("Stopped 1 parked worker(s):"));
    await().atMost(GONE_WITHIN).until(() -> Workers.allGone(Set.of(run.workerPid)));
  }

  @Test
  void aRootThatIsALinkKeepsNoWorker(@TempDir Path elsewhere) throws Exception {
    Path target = Files.createDirectory(
        elsewhere.resolve("private"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.createSymbolicLink(root(), target);
    assertKeptNothing(run("run", "60", "linked"), "it is not a directory (a link, or a file)", target);
  }

  @Test
  void theCommandRefusesAnUnknownArgument() throws Exception {
    Process process = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), "dev.parallelizable.WarmWorkers", "remove").start();
    String error = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(2, process.waitFor());
    assertEquals(
        "Usage: java -cp <the Parallelizable runtime's jar> dev.parallelizable.WarmWorkers [list|stop]", error.strip());
  }

  @Test
  void anotherUserCannotReachAParkedWorker() throws Exception {
    Path setpriv = Path.of("/usr/bin/setpriv");
    assumeTrue(Files.isExecutable(setpriv) && "root".equals(System.getProperty("user.name")),
        "needs root and setpriv to act as another user");
    // The directory above the root lets anyone through, as /tmp does: only the root's mode stops them.
    Files.setPosixFilePermissions(runtimeDirectory, PosixFilePermissions.fromString("rwxr-xr-x"));
    Run run = run("run", "60", "private");
    Path worker = workerDirectory(run.workerPid);
    for (String attempt : List.of(
        "ls " + root(),
        "ls " + worker,
        "printf hostile > " + worker.resolve("w"),
        "printf hostile > " + worker.resolve("d"))) {
      Process nobody = new ProcessBuilder(
          setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups", "/bin/sh", "-c", attempt)
          .redirectErrorStream(true).start();
      String output = new String(nobody.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertNotEquals(0, nobody.waitFor(), attempt + ": " + output);
      assertTrue(output.contains("Permission denied"), attempt + ": " + output);
    }
    Run next = run("run", "60", "still mine");
    assertEquals(run.workerPid, next.workerPid, "the worker still serves its user");
  }

  @Test
  void theOptionIsCheckedWhenSet() {
    ProcessPoolBuilder builder = Parallel.processPool();
    IllegalArgumentException negative =
        assertThrows(IllegalArgumentException.class, () -> builder.reuseWorkersAcrossRuns(Duration.ofSeconds(-1)));
    assertEquals("reuseWorkersAcrossRuns must be zero or positive, got -1 s", negative.getMessage());
    builder.reuseWorkersFor(Duration.ofSeconds(5));
    IllegalStateException both =
        assertThrows(IllegalStateException.class, () -> builder.reuseWorkersAcrossRuns(Duration.ofSeconds(5)));
    assertTrue(both.getMessage().startsWith("reuseWorkersAcrossRuns(5 s) cannot be combined with reuseWorkersFor(5 s)"),
        both.getMessage());
  }

  private record Run(long workerPid, String output) {}

  /**
   * The run said why the root cannot hold warm workers, its worker exited with its pool, and
   * nothing is left in {@code where} (the root, or where a link root points).
   */
  private void assertKeptNothing(Run run, String why, Path where) throws IOException {
    assertTrue(run.output.contains("Workers are not kept across runs: " + root() + " cannot hold them, since " + why),
        run.output);
    await().atMost(GONE_WITHIN).until(() -> Workers.allGone(Set.of(run.workerPid)));
    try (Stream<Path> left = Files.list(where)) {
      assertEquals(List.of(), left.toList(), "nothing kept");
    }
  }

  private Run run(String... arguments) throws Exception {
    return runOn(System.getProperty("java.class.path"), arguments);
  }

  private Run runOn(String classpath, String... arguments) throws Exception {
    return finished(start(classpath, arguments));
  }

  /** The run of {@code parent}, once it has exited with code 0. */
  private static Run finished(Process parent) throws Exception {
    String output = new String(parent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, parent.waitFor(), output);
    assertTrue(output.contains("DONE"), output);
    String pid = output.substring(output.indexOf("PID ") + 4).split("\\s")[0];
    return new Run(Long.parseLong(pid), output);
  }

  private Process start(String classpath, String... arguments) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath, WarmMain.class.getName()));
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("XDG_RUNTIME_DIR", runtimeDirectory.toString());
    return builder.start();
  }

  /** Runs the runtime's command with {@code argument}; returns what it printed. */
  private String command(String argument) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), "dev.parallelizable.WarmWorkers", argument).redirectErrorStream(true);
    builder.environment().put("XDG_RUNTIME_DIR", runtimeDirectory.toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), output);
    return output;
  }

  /** What is left in {@code directory}, for a failure's message. */
  private static String left(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      return "left in " + directory + ": " + files.map(file -> file.getFileName().toString()).toList();
    } catch (IOException e) {
      return directory + " cannot be listed: " + e;
    }
  }

  private Path root() {
    return runtimeDirectory.resolve("parallelizable-warm-" + System.getProperty("user.name"));
  }

  /** The directory of the warm worker {@code pid}, found by the pid file its parent wrote. */
  private Path workerDirectory(long pid) throws IOException {
    for (Path file : files("pid")) {
      if (Files.readString(file).startsWith(pid + " ")) {
        return file.getParent();
      }
    }
    throw new AssertionError("no directory of worker " + pid + " in " + root());
  }

  private List<Path> files(String name) throws IOException {
    if (!Files.isDirectory(root())) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(root())) {
      return files.filter(file -> file.getFileName().toString().equals(name)).toList();
    }
  }

}

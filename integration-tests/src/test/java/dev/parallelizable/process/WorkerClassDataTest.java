package dev.parallelizable.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker JVMs load their classes from a class-data archive where the application runs from jars:
 * the first worker of a configuration writes it as it exits, later workers read it, nothing about
 * it reaches the application's output, and without jars, or with the property off, there is none.
 * Each parent is a JVM of its own ({@link WarmMain} with a warm time of zero), whose {@code
 * XDG_RUNTIME_DIR}, where the archive goes, is a directory of the test.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WorkerClassDataTest {
  @TempDir Path runtimeDirectory;
  @TempDir Path jars;
  @TempDir Path workingDirectory;

  @Test
  void theFirstWorkerWritesTheArchiveAndTheNextReadsIt() throws Exception {
    String classpath = jarClasspath();
    String output = run(classpath, List.of(), "run", "0", "archived");
    assertFalse(output.contains("warning"), output);
    assertFalse(output.contains("cds"), output);
    List<Path> files = files();
    assertEquals(1, files.size(), files.toString());
    Path archive = files.get(0);
    assertTrue(archive.getFileName().toString().matches("class-data-[0-9a-f]+-[0-9a-f]+\\.jsa"), archive.toString());

    // A pool whose workers differ only in a system property reads the same archive.
    Process parent = start(classpath, List.of("-D" + WarmMain.WORKER_TAG + "=another run"), "serve", "0");
    try {
      long worker = WarmMain.workerPid(parent);
      String command = Files.readString(Path.of("/proc/" + worker + "/cmdline")).replace('\0', ' ');
      assertTrue(command.contains("-D" + WarmMain.WORKER_TAG + "=another run"), command);
      assertTrue(command.contains("-XX:SharedArchiveFile=" + archive + " "), command);
      parent.destroyForcibly().waitFor();
      await().atMost(Duration.ofSeconds(30)).until(() -> Workers.allGone(Set.of(worker)));
    } finally {
      parent.destroyForcibly();
    }
    assertEquals(List.of(archive), files(), "no lock and no training file left");
  }

  /**
   * Archives of other configurations (earlier builds of the jars, other options) do not pile up: the
   * worker that writes a new one has the ones no worker read for a week deleted, and all but the
   * eight read last.
   */
  @Test
  void aWorkerThatWritesAnArchiveLeavesOnlyTheEightUsedLastBesideIt() throws Exception {
    Path root = Files.createDirectory(runtimeDirectory.resolve("parallelizable-warm-" + System.getProperty("user.name")),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    long now = System.currentTimeMillis();
    List<Path> kept = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Path earlier = Files.write(root.resolve("class-data-earlier" + i + ".jsa"), new byte[] {1});
      Files.setLastModifiedTime(earlier, FileTime.fromMillis(now - (i + 1) * 60_000L)); // earlier0 used last
      if (i < 8) {
        kept.add(earlier);
      }
    }
    Path unused = Files.write(root.resolve("class-data-unused.jsa"), new byte[] {1});
    Files.setLastModifiedTime(unused, FileTime.fromMillis(now - Duration.ofDays(8).toMillis()));

    run(jarClasspath(), List.of(), "run", "0", "archived");

    List<Path> files = new ArrayList<>(files());
    assertTrue(files.containsAll(kept), "the eight used last are kept: " + files);
    files.removeAll(kept);
    assertEquals(1, files.size(), "beside them, only the new archive: " + files);
    assertTrue(files.get(0).getFileName().toString().matches("class-data-[0-9a-f]+-[0-9a-f]+\\.jsa"), files.toString());
  }

  /**
   * A truncated archive is deleted unread: its name holds the size it was published with, and JDK 17
   * would crash as it mapped it. The worker starts without it and, exiting in order, writes it anew.
   */
  @Test
  void aTruncatedArchiveIsDeletedUnreadAndWrittenAnew() throws Exception {
    String classpath = jarClasspath();
    run(classpath, List.of(), "run", "0", "archived");
    Path archive = files().get(0);
    byte[] whole = Files.readAllBytes(archive);
    assertTrue(archive.toFile().setWritable(true, true));
    Files.write(archive, Arrays.copyOf(whole, whole.length / 2));

    String output = run(classpath, List.of(), "run", "0", "after the damage");

    assertTrue(output.contains("after the damage"), "the task ran: " + output);
    assertFalse(output.contains("fatal error"), output);
    assertFalse(output.contains("WARNING"), output);
    assertEquals(List.of(archive), files(), "written anew under its name");
    assertEquals(whole.length, Files.size(archive), "whole again");
  }

  /**
   * A worker that exits before it connects while it reads an archive is replaced, once, with no
   * archive: the archive may be damaged in a way its size does not show, and would otherwise end
   * every start. Here the cause is another (a system class loader that does not exist, which leaves
   * the archive's name as it is), so the replacement fails too, and the pool reports that.
   */
  @Test
  void aWorkerThatExitsBeforeItConnectsWhileItReadsAnArchiveIsReplacedWithoutIt() throws Exception {
    String classpath = jarClasspath();
    run(classpath, List.of(), "run", "0", "archived");
    Path archive = files().get(0);

    Process parent = start(classpath, List.of("-D" + WarmMain.WORKER_LOADER + "=no.such.Loader"), "run", "0", "never");
    String output = new String(parent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(1, parent.waitFor(), output);

    assertTrue(output.contains("did not start: it exited before connecting while it read the class-data archive "
        + archive + ", which may be damaged; the archive was deleted"), output);
    assertTrue(output.contains("the pool starts another"), output);
    assertTrue(output.contains("WorkerStartException: Worker worker-2"), "the replacement's own failure: " + output);
    assertFalse(output.contains("worker-3"), "replaced once: " + output);
    assertEquals(List.of(), files(), "the archive was deleted, and the replacement wrote none");
  }

  /**
   * A worker that reads the archive finds there every class its job needs, bootstraps no lambda and
   * makes no reflective call: a class from anywhere else would open the application's jars, a
   * lambda would start the JDK's lambda machinery, and a reflective call would generate classes of
   * method handles, each milliseconds of every start.
   */
  @Test
  void aWorkerThatReadsTheArchiveLoadsEveryClassFromItAndBootstrapsNoLambdaOrReflection() throws Exception {
    String classpath = jarClasspath();
    Path logs = Files.createDirectory(jars.resolve("logs"));
    run(classpath, List.of(), LoggedJobMain.class, logs.toString()); // writes the archive
    assertEquals(1, files().size(), "the first run wrote the archive: " + files());
    for (Path log : list(logs)) {
      Files.delete(log);
    }
    run(classpath, List.of(), LoggedJobMain.class, logs.toString());
    List<Path> written = list(logs);
    assertEquals(1, written.size(), written.toString());
    List<String> loaded = Files.readAllLines(written.get(0));
    assertTrue(loaded.stream().anyMatch(line -> line.startsWith("dev.parallelizable.internal.process.child.WorkerMain source: shared objects file")),
        "the worker's main class came from the archive: " + loaded);
    List<String> elsewhere = loaded.stream()
        .filter(line -> line.contains(" source: jrt:") || line.contains(" source: file:") || line.contains(" source: jar:"))
        .toList();
    assertEquals(List.of(), elsewhere, "classes loaded from outside the archive");
    List<String> lambdas = loaded.stream().filter(line -> line.startsWith("java.lang.invoke.LambdaMetafactory ")).toList();
    assertEquals(List.of(), lambdas, "a lambda was bootstrapped");
    // JDK 18 and later: a reflective call's first use generates method-handle classes.
    List<String> reflection = loaded.stream()
        .filter(line -> line.startsWith("jdk.internal.reflect.MethodHandleAccessorFactory "))
        .toList();
    assertEquals(List.of(), reflection, "a reflective call was made");
  }

  private static List<Path> list(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.sorted().toList();
    }
  }

  @Test
  void thePropertyTurnsArchivesOff() throws Exception {
    run(jarClasspath(), List.of("-Ddev.parallelizable.workerClassData=off"), "run", "0", "plain");
    assertEquals(List.of(), files());
  }

  @Test
  void aRootThatIsNotPrivateGetsNoArchiveAndNoWordOfWarmWorkers() throws Exception {
    Path root = runtimeDirectory.resolve("parallelizable-warm-" + System.getProperty("user.name"));
    Files.createDirectory(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    String output = run(jarClasspath(), List.of(), "run", "0", "open");
    assertFalse(output.contains("WARNING"), output); // this pool keeps no worker across runs
    assertEquals(List.of(), files());
  }

  @Test
  void aClasspathWithDirectoriesGetsNoArchive() throws Exception {
    run(System.getProperty("java.class.path"), List.of(), "run", "0", "directories");
    assertEquals(List.of(), files());
  }

  /** The test's classpath with each directory in it made a jar. */
  private String jarClasspath() throws IOException {
    List<String> entries = new ArrayList<>();
    int n = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (Files.isDirectory(path)) {
        Path jar = jars.resolve("classes-" + n++ + ".jar");
        jar(path, jar);
        entries.add(jar.toString());
      } else {
        entries.add(entry);
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  private static void jar(Path directory, Path jar) throws IOException {
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(directory.relativize(file).toString().replace(File.separatorChar, '/')));
        try (OutputStream entry = new NonClosing(out)) {
          Files.copy(file, entry);
        }
        out.closeEntry();
      }
    }
  }

  /** Lets Files.copy write into the jar's current entry without closing the jar. */
  private static final class NonClosing extends OutputStream {
    private final OutputStream out;

    NonClosing(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      out.write(bytes, offset, length);
    }
  }

  /** The files in the user's directory of workers, but the directories of warm workers' keys. */
  private List<Path> files() throws IOException {
    Path root = runtimeDirectory.resolve("parallelizable-warm-" + System.getProperty("user.name"));
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(root)) {
      return files.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private String run(String classpath, List<String> options, String... arguments) throws Exception {
    return run(classpath, options, WarmMain.class, arguments);
  }

  private String run(String classpath, List<String> options, Class<?> main, String... arguments) throws Exception {
    Process parent = start(classpath, options, main, arguments);
    String output = new String(parent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, parent.waitFor(), output);
    assertTrue(output.contains("DONE"), output);
    return output;
  }

  private Process start(String classpath, List<String> options, String... arguments) throws IOException {
    return start(classpath, options, WarmMain.class, arguments);
  }

  private Process start(String classpath, List<String> options, Class<?> main, String... arguments)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(options);
    command.addAll(List.of("-cp", classpath, main.getName()));
    command.addAll(List.of(arguments));
    // A JVM that crashes (on a damaged archive) writes its report where it runs: here, not in the build.
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).directory(workingDirectory.toFile());
    builder.environment().put("XDG_RUNTIME_DIR", runtimeDirectory.toString());
    return builder.start();
  }
}

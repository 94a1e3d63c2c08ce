package dev.parallelizable.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers that start one after another take directories whose pipes were made ahead, many by one
 * {@code mkfifo} run, instead of running {@code mkfifo} each; and nothing made ahead is left in the
 * temporary directory once the application exits. The parent is a JVM of its own ({@link
 * RecyclingMain}) whose {@code PATH} starts with a {@code mkfifo} that logs each run's arguments
 * and then runs the system's, and whose temporary directory is the test's.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PipesMadeAheadTest {
  private static final int WORKERS = 12;

  @TempDir Path directory;

  @Test
  void workersStartedOneAfterAnotherTakePipesMadeAheadAndLeaveNothingBehind() throws Exception {
    Path real = Stream.of(System.getenv("PATH").split(":"))
        .map(folder -> Path.of(folder, "mkfifo"))
        .filter(Files::isExecutable)
        .findFirst()
        .orElse(null);
    assumeTrue(real != null, "mkfifo is on the PATH");
    Path bin = Files.createDirectory(directory.resolve("bin"));
    Path log = directory.resolve("mkfifo.log");
    Path wrapper = bin.resolve("mkfifo");
    Files.writeString(wrapper, "#!/bin/sh\necho \"$@\" >> '" + log + "'\nexec '" + real + "' \"$@\"\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
    Path temporary = Files.createDirectory(directory.resolve("tmp"));

    ProcessBuilder builder = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Djava.io.tmpdir=" + temporary,
            "-cp", System.getProperty("java.class.path"),
            RecyclingMain.class.getName(), String.valueOf(WORKERS))
        .redirectErrorStream(true);
    builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    Process parent = builder.start();
    String output = new String(parent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, parent.waitFor(), output);
    assertTrue(output.contains("DONE"), output);

    List<String> runs = Files.readAllLines(log);
    List<Integer> pipesPerRun = runs.stream().map(run -> run.split(" ").length - 2).toList(); // less "-m 600"
    assertTrue(runs.size() < WORKERS, "fewer mkfifo runs than workers: " + pipesPerRun);
    assertTrue(pipesPerRun.contains(16), "a run made the pipes of eight directories: " + pipesPerRun);
    try (Stream<Path> left = Files.list(temporary)) {
      assertEquals(List.of(), left.toList(), "what the application left in its temporary directory");
    }
  }
}

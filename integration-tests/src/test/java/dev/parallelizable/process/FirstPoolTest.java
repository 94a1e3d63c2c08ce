package dev.parallelizable.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first process pool of a fresh JVM, as a command-line tool creates it: the library spins no
 * lambda on its way (building, a task, closing), since a JVM's first lambdas cost it milliseconds
 * each. The JDK's own lambdas (those of its process and file-mapping classes) are not the
 * library's to avoid.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FirstPoolTest {
  @TempDir Path directory;

  @Test
  void aFreshJvmsFirstPoolSpinsNoLambdaOfTheLibrary() throws Exception {
    Path log = directory.resolve("classes.log");
    Process parent = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xlog:class+load=info:file=" + log + ":none",
            "-cp", System.getProperty("java.class.path"),
            FirstPoolMain.class.getName())
        .redirectErrorStream(true)
        .start();
    String output = new String(parent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, parent.waitFor(), output);
    assertTrue(output.contains("DONE"), output);

    List<String> loaded = Files.readAllLines(log);
    assertTrue(loaded.stream().anyMatch(line -> line.startsWith("dev.parallelizable.internal.process.WorkerJvm ")),
        "the log lists the pool's classes: " + loaded.size() + " lines");
    List<String> lambdas = loaded.stream()
        .filter(line -> line.startsWith("dev.parallelizable.") && line.contains("$$Lambda"))
        .toList();
    assertEquals(List.of(), lambdas, "lambdas of the library spun on the way of a first pool");
  }
}

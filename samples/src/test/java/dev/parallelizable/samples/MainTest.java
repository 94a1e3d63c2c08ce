package dev.parallelizable.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line: help, and bad arguments answered with the usage and exit code 2. */
@Timeout(30)
class MainTest {
  private final Captured out = new Captured();
  private final Captured err = new Captured();

  private int run(String... args) {
    return Main.run(args, out.stream(), err.stream());
  }

  @Test
  void topLevelHelpListsTheCommands() {
    assertEquals(0, run("--help"));

    assertTrue(out.text().startsWith("Usage: parallelizable-samples [-hV] COMMAND"), out.text());
    for (String command : new String[] {"tour", "thumbnails", "pdf-text", "bench", "evolve"}) {
      assertTrue(out.text().contains("\n  " + command + " "), command + " in " + out.text());
    }
    assertEquals("", err.text());
  }

  @ParameterizedTest
  @ValueSource(strings = {"tour", "thumbnails", "pdf-text", "evolve"})
  void eachCommandHasHelp(String command) {
    assertEquals(0, run(command, "--help"));

    assertTrue(out.text().startsWith("Usage: parallelizable-samples " + command), out.text());
    assertEquals("", err.text());
  }

  @Test
  void theToolsDocumentTheirOptions() {
    assertEquals(0, run("thumbnails", "--help"));

    for (String option : new String[] {"--in=DIR", "--out=DIR", "--size=N", "--workers=N",
        "--isolation=KIND", "--progress"}) {
      assertTrue(out.text().contains(option), option + " in " + out.text());
    }
  }

  @Test
  void noCommandIsABadArgument() {
    assertEquals(2, run());

    assertUsageError("Missing command: give one of tour, thumbnails, pdf-text, bench, evolve",
        "Usage: parallelizable-samples");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-V", "--version", "tour -V", "thumbnails -V", "pdf-text --version", "bench -V"})
  void everyCommandPrintsTheVersion(String args) {
    assertEquals(0, run(args.split(" ")));

    assertTrue(out.text().startsWith("parallelizable-samples "), out.text());
    assertEquals(1, out.text().lines().count(), out.text());
    assertEquals("", err.text());
  }

  @ParameterizedTest
  @ValueSource(strings = {"thumbnails", "pdf-text"})
  void anInputFolderWithNothingToReadIsABadArgument(String command, @TempDir Path dir) throws IOException {
    Path in = Files.createDirectories(dir.resolve("empty"));
    Files.writeString(in.resolve("notes.txt"), "not an input");
    Path outFolder = dir.resolve("out");

    assertEquals(2, run(command, "--in", in.toString(), "--out", outFolder.toString()));

    assertUsageError("--in " + in + " holds no ", "Usage: parallelizable-samples " + command);
    assertTrue(err.text().contains("leave out --in to generate sample"), err.text());
    assertFalse(Files.exists(outFolder), "nothing is written for a bad argument");
  }

  @Test
  void anUnknownCommandIsABadArgument() {
    assertEquals(2, run("xyzzy"));

    assertUsageError("Unmatched argument at index 0: 'xyzzy'", "Usage: parallelizable-samples");
  }

  @Test
  void anUnknownOptionIsABadArgument() {
    assertEquals(2, run("pdf-text", "--out", "x", "--frobnicate"));

    assertUsageError("Unknown option: '--frobnicate'", "Usage: parallelizable-samples pdf-text");
  }

  @Test
  void anUnknownIsolationIsABadArgumentNamingTheChoices() {
    assertEquals(2, run("thumbnails", "--out", "x", "--isolation", "fibers"));

    assertUsageError("Invalid value for option '--isolation': unknown isolation 'fibers': give threads"
        + " or processes", "Usage: parallelizable-samples thumbnails");
  }

  @Test
  void aMissingInputFolderIsABadArgument() {
    assertEquals(2, run("pdf-text", "--in", "/no/such/folder", "--out", "x"));

    assertUsageError("--in /no/such/folder is not a folder", "Usage: parallelizable-samples pdf-text");
  }

  @Test
  void anOutputThatIsAFileIsABadArgument(@TempDir Path dir) throws IOException {
    Path file = Files.createFile(dir.resolve("file.txt"));

    assertEquals(2, run("thumbnails", "--out", file.toString()));

    assertUsageError("--out " + file + " is a file; give a folder", "Usage: parallelizable-samples thumbnails");
  }

  @Test
  void aFailureOfTheWholeRunIsReportedInOneLineWithExitCodeOne(@TempDir Path dir) throws IOException {
    Path file = Files.createFile(dir.resolve("file.txt"));
    Path underAFile = file.resolve("out");

    assertEquals(1, run("pdf-text", "--out", underAFile.toString()));

    String text = err.text();
    assertTrue(text.startsWith("pdf-text: java.nio.file.FileSystemException: " + underAFile), text);
    assertEquals(1, text.lines().count(), text);
  }

  @Test
  void aWorkerCountBelowOneIsABadArgument() {
    assertEquals(2, run("pdf-text", "--out", "x", "--workers", "0"));

    assertUsageError("--workers must be at least 1, got 0", "Usage: parallelizable-samples pdf-text");
  }

  private void assertUsageError(String message, String usage) {
    String text = err.text();
    assertTrue(text.startsWith(message), text);
    assertTrue(text.contains(usage), text);
    assertFalse(text.contains("Exception") || text.contains("\tat "), "a stack trace in " + text);
    assertEquals("", out.text());
  }
}

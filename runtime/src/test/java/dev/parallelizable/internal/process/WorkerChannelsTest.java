package dev.parallelizable.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a worker's channel is chosen: where {@code mkfifo} is found, and the system property. */
class WorkerChannelsTest {

  @Test
  void mkfifoIsTheFirstExecutableRegularFileOfThatNameOnThePath(@TempDir Path directory) throws IOException {
    Path none = Files.createDirectory(directory.resolve("none"));
    Path notExecutable = Files.createDirectory(directory.resolve("not-executable"));
    Files.createFile(notExecutable.resolve("mkfifo"));
    Path aDirectory = Files.createDirectories(directory.resolve("a-directory").resolve("mkfifo"));
    Path linked = Files.createDirectory(directory.resolve("linked"));
    Path real = executable(Files.createDirectory(directory.resolve("real")).resolve("mkfifo"));
    Files.createSymbolicLink(linked.resolve("mkfifo"), real);
    Path second = executable(Files.createDirectory(directory.resolve("second")).resolve("mkfifo"));

    String path = String.join(File.pathSeparator, "", none.toString(), notExecutable.toString(),
        aDirectory.getParent().toString(), directory.resolve("missing").toString(), linked.toString(),
        second.getParent().toString());
    assertEquals(linked.resolve("mkfifo"), WorkerChannels.find(path), "a link to an executable file counts");
    assertEquals(second, WorkerChannels.find(second.getParent().toString()));
    assertNull(WorkerChannels.find(String.join(File.pathSeparator, none.toString(), notExecutable.toString())));
    assertNull(WorkerChannels.find(""));
    assertNull(WorkerChannels.find(null), "no PATH at all");
  }

  @Test
  void theSystemPropertyTakesPipesOrSocketAndRefusesAnythingElseByName() {
    String property = "dev.parallelizable.workerChannel";
    try {
      System.setProperty(property, "socket");
      WorkerChannels.checkProperty();
      assertEquals(false, WorkerChannels.pipes(), "socket is chosen whatever the PATH holds");
      System.setProperty(property, "pipes");
      WorkerChannels.checkProperty();
      System.setProperty(property, "tcp");
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, WorkerChannels::checkProperty);
      assertEquals(
          "The system property dev.parallelizable.workerChannel is \"tcp\"; it takes \"pipes\" (named"
              + " pipes, the default where mkfifo is on the PATH) or \"socket\" (a Unix domain socket)",
          refused.getMessage());
      System.setProperty(property, "");
      assertThrows(IllegalArgumentException.class, WorkerChannels::checkProperty);
    } finally {
      System.clearProperty(property);
    }
    WorkerChannels.checkProperty();
  }

  @Test
  void pipesAreMadeForTheUserOnlyAndAFailureCarriesMkfifosWords(@TempDir Path directory) throws IOException {
    assumeTrue(WorkerChannels.pipes(), "no mkfifo on this machine's PATH: the socket is the channel");
    Path up = directory.resolve("u");
    Path down = directory.resolve("d");
    WorkerChannels.makePipes(up, down);
    for (Path pipe : new Path[] {up, down}) {
      assertTrue(Files.exists(pipe), pipe + " exists");
      assertFalse(Files.isRegularFile(pipe) || Files.isDirectory(pipe), pipe + " is a named pipe");
      assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
          Files.getPosixFilePermissions(pipe));
    }
    IOException exists = assertThrows(IOException.class, () -> WorkerChannels.makePipes(up, down));
    assertTrue(exists.getMessage().contains("could not make the worker's pipes (exit code 1): "), exists.getMessage());
    assertTrue(exists.getMessage().contains(up.toString()), "mkfifo's own words name the file: " + exists.getMessage());
  }

  private static Path executable(Path file) throws IOException {
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    return file;
  }
}

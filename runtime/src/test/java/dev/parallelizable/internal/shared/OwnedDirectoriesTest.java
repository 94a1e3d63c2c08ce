package dev.parallelizable.internal.shared;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep of the directories a parent left behind: those of owners that no longer run go, those
 * of running owners stay, whatever else is in the folder stays.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OwnedDirectoriesTest {
  private static final String PREFIX = "owned-test-";

  @TempDir Path root;
  private Process sleeper;

  @AfterEach
  void stopSleeper() throws InterruptedException {
    if (sleeper != null) {
      sleeper.destroyForcibly().waitFor();
    }
  }

  /** A process that runs until the test ends. */
  private Process sleeper() throws IOException {
    sleeper = new ProcessBuilder("sleep", "60").start();
    return sleeper;
  }

  /** A process that ran and exited: its pid and start, as a directory of it would record them. */
  private static OwnedDirectories.Owner exited() throws IOException, InterruptedException {
    Process process = new ProcessBuilder("sleep", "60").start();
    long start = OwnedDirectories.startOf(process.pid());
    process.destroyForcibly().waitFor();
    assertNotEquals(0, start, "the start of a running process can be read");
    return new OwnedDirectories.Owner(process.pid(), start);
  }

  /** A directory as {@code owner} leaves it, with an exit trace in it. */
  private Path leftBy(long pid, long start) throws IOException {
    Path directory = Files.createDirectory(root.resolve(PREFIX + pid + "-" + Long.toHexString(start) + "-0badcafe"));
    Files.writeString(directory.resolve("x"), "exit trace");
    return directory;
  }

  private Path leftBy(OwnedDirectories.Owner owner) throws IOException {
    return leftBy(owner.pid(), owner.start());
  }

  private UserPrincipal user() throws IOException {
    return Files.getOwner(root);
  }

  @Test
  void theDirectoryOfAnOwnerThatExitedIsDeleted() throws Exception {
    Path left = leftBy(exited());
    assertEquals(1, OwnedDirectories.sweep(root, PREFIX, user()));
    assertFalse(Files.exists(left));
  }

  @Test
  void theDirectoriesOfRunningOwnersAreKept() throws Exception {
    Process running = sleeper();
    Path ofRunning = leftBy(running.pid(), OwnedDirectories.startOf(running.pid()));
    long self = ProcessHandle.current().pid();
    Path ofThisJvm = leftBy(self, OwnedDirectories.startOf(self));
    Path startUnknown = leftBy(running.pid(), 0);
    assertEquals(0, OwnedDirectories.sweep(root, PREFIX, user()));
    assertTrue(Files.exists(ofRunning.resolve("x")));
    assertTrue(Files.exists(ofThisJvm.resolve("x")));
    assertTrue(Files.exists(startUnknown.resolve("x")), "kept when the start cannot be compared");
  }

  @Test
  void aProcessThatGotTheOwnersPidLaterIsNotTakenForTheOwner() throws Exception {
    Process running = sleeper();
    long start = OwnedDirectories.startOf(running.pid());
    Path left = leftBy(running.pid(), start + 5_000); // the pid's earlier owner started at another time
    assertEquals(1, OwnedDirectories.sweep(root, PREFIX, user()));
    assertFalse(Files.exists(left));
  }

  @Test
  void anOwnerThatExitedButWasNotCollectedYetNoLongerRuns() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "a zombie is told by its state in /proc");
    // sh's child exits; sleep, which replaced sh, never collects it: a zombie until sleep ends
    sleeper = new ProcessBuilder("sh", "-c", "sleep 0 & exec sleep 60").start();
    ProcessHandle zombie = await().atMost(Duration.ofSeconds(20)).until(
        () -> sleeper.children().filter(child -> isZombie(child.pid())).findFirst(), Optional::isPresent).get();
    assertTrue(zombie.isAlive(), "the JDK still reports a zombie alive");
    Path left = leftBy(zombie.pid(), OwnedDirectories.startOf(zombie.pid()));
    assertEquals(1, OwnedDirectories.sweep(root, PREFIX, user()));
    assertFalse(Files.exists(left));
  }

  private static boolean isZombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void anotherUsersDirectoryIsKept() throws Exception {
    UserPrincipal other;
    try {
      other = root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    } catch (UserPrincipalNotFoundException | UnsupportedOperationException e) {
      other = null;
    }
    assumeTrue(other != null && !other.equals(user()), "a user other than the test's");
    Path left = leftBy(exited());
    assertEquals(0, OwnedDirectories.sweep(root, PREFIX, other), "swept for another user than its owner");
    assertTrue(Files.exists(left.resolve("x")));
  }

  @Test
  void linksAreNeitherFollowedNorSwept() throws Exception {
    OwnedDirectories.Owner gone = exited();
    Path elsewhere = Files.createDirectory(root.resolve("elsewhere"));
    Path precious = Files.writeString(elsewhere.resolve("precious"), "kept");
    Path link = Files.createSymbolicLink(
        root.resolve(PREFIX + gone.pid() + "-" + Long.toHexString(gone.start()) + "-0000beef"), elsewhere);
    Path left = leftBy(gone);
    Files.createSymbolicLink(left.resolve("to-precious"), precious);
    assertEquals(1, OwnedDirectories.sweep(root, PREFIX, user()));
    assertFalse(Files.exists(left, LinkOption.NOFOLLOW_LINKS), "the directory, with the link in it");
    assertTrue(Files.isSymbolicLink(link), "a link named like a directory is left");
    assertEquals("kept", Files.readString(precious));
  }

  @Test
  void onlyNamesOfTheFormAreRead() throws Exception {
    OwnedDirectories.Owner gone = exited();
    String start = Long.toHexString(gone.start());
    for (String name : new String[] {
        "shared-" + gone.pid() + "-" + start + "-0badcafe", // a longer prefix's
        "0123456789abcdef", // no owner recorded
        gone.pid() + "-0badcafe",
        gone.pid() + "-" + start + "-0badcafe-1",
        gone.pid() + "-" + start + "-0BADCAFE",
        "+" + gone.pid() + "-" + start + "-0badcafe",
        "99999999999999999999-" + start + "-0badcafe"}) {
      Files.createDirectory(root.resolve(PREFIX + name));
      assertNull(OwnedDirectories.ownerOf(PREFIX + name, PREFIX), name);
    }
    assertEquals(0, OwnedDirectories.sweep(root, PREFIX, user()));
    assertEquals(gone, OwnedDirectories.ownerOf(PREFIX + gone.pid() + "-" + start + "-0badcafe", PREFIX));
  }

  @Test
  void aNewDirectoryIsPrivateRecordsThisJvmAndSweepsTheFolderOnce() throws Exception {
    Path left = leftBy(exited());
    Path created = OwnedDirectories.create(root, PREFIX);
    assertFalse(Files.exists(left), "swept when the first directory of the prefix was made here");
    OwnedDirectories.Owner owner = OwnedDirectories.ownerOf(created.getFileName().toString(), PREFIX);
    assertEquals(ProcessHandle.current().pid(), owner.pid());
    assertTrue(OwnedDirectories.runs(owner));
    assertEquals(created.getFileName().toString().length(), OwnedDirectories.nameLength(PREFIX));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(created)));

    Path leftLater = leftBy(exited());
    OwnedDirectories.create(root, PREFIX);
    assertTrue(Files.exists(leftLater), "a folder is swept once per JVM");
  }
}

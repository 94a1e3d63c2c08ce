package dev.parallelizable.internal.process;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.parallelizable.internal.protocol.Protocol;
import dev.parallelizable.internal.shared.OwnedDirectories;
import dev.parallelizable.internal.shared.SharedFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A claim passes over the directories of workers that are not parked (serving a pool, claimed, or
 * starting) and deletes those whose process is certainly gone, and only those.
 */
@Timeout(60)
class WarmClaimTest {
  private Path keyDirectory;

  @AfterEach
  void deleteKeyDirectory() {
    if (keyDirectory != null) {
      SharedFiles.deleteDirectory(keyDirectory);
    }
  }

  private Path worker(String name, Long pid) throws IOException {
    Path directory = Files.createDirectories(keyDirectory.resolve(name));
    if (pid != null) {
      Files.writeString(directory.resolve("pid"), pid + " 0\n");
    }
    return directory;
  }

  @Test
  void aClaimSweepsOnlyTheWorkersNotParkedWhosePidNamesNoProcess() throws Exception {
    Path root = WarmWorkers.root();
    assumeTrue(root != null, "no private directory for warm workers here");
    String key = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE) + "00000000";
    keyDirectory = Files.createDirectory(root.resolve(key));
    Process exited = new ProcessBuilder("true").start();
    exited.waitFor();
    Path gone = worker("0000000a", exited.pid());
    Path serving = worker("0000000b", ProcessHandle.current().pid());
    Path starting = worker("0000000c", null);

    assertNull(WarmWorkers.claim(key), "no worker is parked");
    assertFalse(Files.exists(gone), "the directory of a worker whose process is gone");
    assertTrue(Files.exists(serving), "a worker that serves a pool");
    assertTrue(Files.exists(starting), "a worker that has not written its pid yet");

    long self = ProcessHandle.current().pid();
    Path parked = worker("0000000d", null);
    Files.writeString(parked.resolve("pid"), self + " " + OwnedDirectories.started(self) + "\n");
    Files.writeString(parked.resolve(Protocol.WARM_PARKED), (System.currentTimeMillis() + 60_000) + "\n");
    WarmWorkers.Claimed claimed = WarmWorkers.claim(key);
    assertNotNull(claimed, "the parked one");
    assertTrue(claimed.directory().endsWith("0000000d"), claimed.directory().toString());
    assertTrue(Files.exists(parked.resolve(Protocol.WARM_CLAIMED)), "its marker renamed");
  }
}

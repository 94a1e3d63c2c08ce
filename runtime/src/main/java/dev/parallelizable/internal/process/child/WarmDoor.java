package dev.parallelizable.internal.process.child;

import dev.parallelizable.internal.protocol.Protocol;
import dev.parallelizable.internal.shared.SharedFiles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where a warm worker waits between the pools it serves, in this or a later run of the
 * application (see the parent's {@code WarmWorkers}).
 *
 * <pre>
 * serving a pool --PARK(deadline)--> parked: marker {@value Protocol#WARM_PARKED} written, the
 *     door ({@value Protocol#WARM_DOOR}) read
 *   parked --a parent renames the marker to "claimed" and writes to the door--> attached: the
 *       worker opens the pipes of its directory again and sends HELLO with the door's token
 *   parked --the deadline passed, the worker renames the marker to "expired"--> the directory is
 *       deleted and the worker exits in order
 *   parked --a parent claimed it but wrote nothing within CLAIM_MILLIS--> the same
 * </pre>
 *
 * Exactly one of the two renames succeeds, so a worker never expires under a parent that claimed
 * it. The door is opened for reading and writing, so the worker's open never blocks and a parent
 * that writes and closes does not lose what it wrote. Used by the worker's main thread; the
 * deadline runs on a daemon thread of its own for each park.
 */
final class WarmDoor {
  /** How long a parent that claimed the worker may take to write to the door. */
  private static final long CLAIM_MILLIS = 60_000;
  /** The longest message a parent writes: a process id, a path and a token. */
  private static final int MAX_MESSAGE = 8192;

  private final Path directory;
  private RandomAccessFile door;
  /** Counts the parks; a deadline thread of an earlier park ends nothing. */
  private volatile int parks;
  private volatile boolean attached;

  WarmDoor(Path directory) {
    this.directory = directory;
  }

  /** What the parent that claimed the worker wrote to the door. */
  static final class Claim {
    final long parentPid;
    /** The parent pool's directory of shared data; null for none. */
    final Path sharedDirectory;
    final byte[] token;

    Claim(long parentPid, Path sharedDirectory, byte[] token) {
      this.parentPid = parentPid;
      this.sharedDirectory = sharedDirectory;
      this.token = token;
    }
  }

  /**
   * Parks until a parent claims the worker, and returns what it wrote; at the deadline (epoch
   * milliseconds) the worker deletes its directory and exits instead, and this never returns.
   *
   * @throws IOException if the door is not a named pipe, or the parent wrote something malformed
   */
  Claim await(long deadlineMillis) throws IOException {
    Path doorPath = directory.resolve(Protocol.WARM_DOOR);
    if (door == null) {
      if (!Files.exists(doorPath, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(doorPath)
          || Files.isRegularFile(doorPath, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(doorPath)) {
        throw new IOException(doorPath + " is not a named pipe");
      }
      door = new RandomAccessFile(doorPath.toFile(), "rw");
    }
    attached = false;
    int park = ++parks;
    Files.deleteIfExists(directory.resolve(Protocol.WARM_CLAIMED));
    Path marker = directory.resolve(Protocol.WARM_PARKED + ".new");
    Files.writeString(marker, deadlineMillis + "\n");
    Files.move(marker, directory.resolve(Protocol.WARM_PARKED), StandardCopyOption.ATOMIC_MOVE);
    Thread deadline = new Thread(() -> expire(park, deadlineMillis), "parallelizable-warm-deadline");
    deadline.setDaemon(true);
    deadline.start();
    Claim claim = read();
    attached = true;
    Files.deleteIfExists(directory.resolve(Protocol.WARM_CLAIMED));
    return claim;
  }

  /** Reads the three lines a parent writes: its process id, its shared directory, the token. */
  private Claim read() throws IOException {
    byte[] message = new byte[MAX_MESSAGE];
    int length = 0;
    int lines = 0;
    while (lines < 3) {
      int b = door.read();
      if (b < 0) {
        throw new IOException("the door " + directory.resolve(Protocol.WARM_DOOR) + " ended");
      }
      if (length == message.length) {
        throw new IOException("the parent wrote more than " + MAX_MESSAGE + " bytes to the door");
      }
      message[length++] = (byte) b;
      if (b == '\n') {
        lines++;
      }
    }
    String[] fields = new String(message, 0, length - 1, StandardCharsets.UTF_8).split("\n", -1);
    byte[] token = fields[2].getBytes(StandardCharsets.US_ASCII);
    if (token.length != Protocol.TOKEN_LENGTH) {
      throw new IOException("the parent wrote a token of " + token.length + " bytes to the door");
    }
    try {
      return new Claim(
          Long.parseLong(fields[0]), fields[1].isEmpty() ? null : Path.of(fields[1]), token);
    } catch (RuntimeException e) {
      throw new IOException("the parent wrote a malformed claim to the door: " + e.getMessage(), e);
    }
  }

  /**
   * The deadline of park number {@code park}: gives up the marker and exits, unless a parent
   * renamed it first; then waits for that parent's message, and gives up if it never comes.
   */
  private void expire(int park, long deadlineMillis) {
    try {
      sleepUntil(deadlineMillis);
      if (parks != park || attached) {
        return;
      }
      try {
        Files.move(
            directory.resolve(Protocol.WARM_PARKED), directory.resolve(Protocol.WARM_EXPIRED),
            StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException claimed) {
        sleepUntil(System.currentTimeMillis() + CLAIM_MILLIS);
        if (parks != park || attached) {
          return;
        }
      }
      deleteDirectory(directory);
      System.exit(0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Deletes a worker's directory and the files in it; for a warm worker (its door is there), also
   * the directory of its configuration, if no other worker is left in it.
   */
  static void deleteDirectory(Path directory) {
    boolean warm = Files.exists(directory.resolve(Protocol.WARM_DOOR), LinkOption.NOFOLLOW_LINKS);
    SharedFiles.deleteDirectory(directory);
    if (warm) {
      WorkerMain.deleteQuietly(directory.getParent()); // only once it is empty
    }
  }

  private static void sleepUntil(long epochMillis) throws InterruptedException {
    long wait;
    while ((wait = epochMillis - System.currentTimeMillis()) > 0) {
      Thread.sleep(wait);
    }
  }
}

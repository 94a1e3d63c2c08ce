package dev.parallelizable.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

/** Test helpers: the worker processes of this JVM, and capture of System.out and System.err. */
final class Workers {
  private Workers() {}

  /** The pids of this JVM's live worker processes. */
  static Set<Long> pids() {
    return ProcessHandle.current()
        .children()
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().map(c -> c.contains("process.child.WorkerMain")).orElse(false))
        .map(ProcessHandle::pid)
        .collect(Collectors.toSet());
  }

  /**
   * Whether every process of {@code pids} has exited. A process that exited but whose status its
   * parent has not collected yet (a zombie, state Z in /proc on Linux) has exited, although {@link
   * ProcessHandle#isAlive()} still says it is alive: an orphaned worker waits for init to collect
   * it, which some container inits do only now and then.
   */
  static boolean allGone(Set<Long> pids) {
    return pids.stream().allMatch(Workers::exited);
  }

  private static boolean exited(long pid) {
    if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      return true;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
    } catch (IOException | RuntimeException e) {
      return false; // no /proc: isAlive() is the answer
    }
  }

  /** Replaces System.out and System.err with buffers until closed. */
  static final class Capture implements AutoCloseable {
    private final PrintStream out = System.out;
    private final PrintStream err = System.err;
    private final ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
    private final ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();

    Capture() {
      System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
    }

    String out() {
      synchronized (capturedOut) {
        return capturedOut.toString(StandardCharsets.UTF_8);
      }
    }

    String err() {
      synchronized (capturedErr) {
        return capturedErr.toString(StandardCharsets.UTF_8);
      }
    }

    @Override
    public void close() {
      System.setOut(out);
      System.setErr(err);
    }
  }
}

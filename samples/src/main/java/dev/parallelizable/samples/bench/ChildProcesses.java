package dev.parallelizable.samples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Memory of this JVM's child processes (a process pool's workers), from Linux's /proc. */
final class ChildProcesses {
  private ChildProcesses() {}

  /** The sum of the children's peak resident set sizes ({@code VmHWM}); 0 where /proc is absent. */
  static long peakRssBytes() {
    return ProcessHandle.current().children().mapToLong(ChildProcesses::peakRss).sum();
  }

  /** A field of {@code /proc/<pid>/status} in bytes (VmRSS, VmHWM, RssAnon...); 0 where absent. */
  static long statusBytes(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process just ended: it counts for nothing
    }
    return 0;
  }

  /** The sum of a status field over this JVM's child processes, in bytes. */
  static long childrenStatusBytes(String field) {
    return ProcessHandle.current().children().mapToLong(p -> statusBytes(p.pid(), field)).sum();
  }

  private static long peakRss(ProcessHandle process) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process just ended: it counts for nothing
    }
    return 0;
  }
}

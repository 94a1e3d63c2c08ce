package dev.parallelizable.internal.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The maximum heap a worker gets when the user sets none, so that a pool fits the memory it runs
 * in. A JVM's default heap is a quarter of the memory it sees; five JVMs with that default ask for
 * more than the machine, or the container, has.
 *
 * <p>The rule: half of the memory the JVM sees is for heaps. The parent keeps its own maximum heap
 * out of that half (at most a quarter of the memory, its default); the rest is split evenly among
 * the workers. Each worker gets at least {@value #MIN_HEAP_MIB} MiB and at most a quarter of the
 * memory, the JVM's own default. The other half is left to what is not heap: metaspace, code,
 * thread stacks and buffers of every JVM, and the operating system.
 *
 * <p>The memory the JVM sees is, on Linux, the memory limit of the container (cgroup v2 {@code
 * memory.max}, or v1 {@code memory.limit_in_bytes}) when it has one, else the machine's {@code
 * MemTotal}; elsewhere, four times the parent's maximum heap, which is what the parent sees when its
 * heap has the default size. Reading two small files takes microseconds, where the {@code
 * OperatingSystemMXBean} takes tens of milliseconds on the path of a pool's first result, and
 * needs the {@code jdk.management} module.
 *
 * <p>Thread-safe: the memory is read once per JVM.
 */
final class WorkerHeap {
  static final long MIN_HEAP_MIB = 64;
  private static final long MIB = 1024 * 1024;

  private WorkerHeap() {}

  /** The JVM options that set the heap's maximum; a worker given one of them gets no default. */
  private static final List<String> HEAP_OPTIONS =
      List.of("-Xmx", "-XX:MaxHeapSize=", "-XX:MaxRAM=", "-XX:MaxRAMPercentage=", "-XX:MaxRAMFraction=");

  static boolean setsMaxHeap(List<String> jvmOptions) {
    for (String option : jvmOptions) {
      for (String heapOption : HEAP_OPTIONS) {
        if (option.startsWith(heapOption)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The maximum heap of each worker, in MiB, by the rule of the overview.
   *
   * @param visibleMemory the memory the JVM sees, in bytes
   * @param parentMaxHeap the parent's maximum heap, in bytes ({@code Runtime.maxMemory()})
   * @param workers the number of workers, at least 1
   */
  static long perWorkerMib(long visibleMemory, long parentMaxHeap, int workers) {
    long quarter = visibleMemory / 4;
    long forWorkers = visibleMemory / 2 - Math.min(parentMaxHeap, quarter);
    long each = Math.min(forWorkers / workers, quarter) / MIB;
    return Math.max(MIN_HEAP_MIB, each);
  }

  /** The {@code -Xmx} option of each of {@code workers} workers, by the rule of the overview. */
  static String defaultOption(int workers) {
    return "-Xmx" + perWorkerMib(VisibleMemory.BYTES, Runtime.getRuntime().maxMemory(), workers) + "m";
  }

  /**
   * The {@code MemTotal} line of {@code /proc/meminfo}'s text in bytes, or 0 if it has none. Parsed
   * by hand: a regular expression would compile a pattern on a fresh JVM's way to its first pool.
   */
  static long memTotal(String meminfo) {
    int at = meminfo.startsWith("MemTotal:") ? 0 : meminfo.indexOf("\nMemTotal:");
    if (at < 0) {
      return 0;
    }
    int from = meminfo.indexOf(':', at) + 1;
    while (from < meminfo.length() && (meminfo.charAt(from) == ' ' || meminfo.charAt(from) == '\t')) {
      from++;
    }
    int to = from;
    while (to < meminfo.length() && Character.isDigit(meminfo.charAt(to))) {
      to++;
    }
    return to == from ? 0 : Long.parseLong(meminfo.substring(from, to)) * 1024;
  }

  /** Read on first use. */
  private static final class VisibleMemory {
    static final long BYTES = read();

    private static long read() {
      long machine = meminfoTotal();
      if (machine > 0) {
        long limit = cgroupLimit();
        return limit > 0 && limit < machine ? limit : machine;
      }
      // The parent's default heap is a quarter of what it sees.
      return Runtime.getRuntime().maxMemory() * 4;
    }

    /** MemTotal of /proc/meminfo in bytes, or 0. */
    private static long meminfoTotal() {
      try {
        return memTotal(Files.readString(Path.of("/proc/meminfo")));
      } catch (IOException | RuntimeException e) {
        return 0; // not Linux
      }
    }

    /** The memory limit of this process's cgroup in bytes, or 0 if none. */
    private static long cgroupLimit() {
      for (String file :
          List.of("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")) {
        try {
          String value = Files.readString(Path.of(file)).trim();
          if (!value.equals("max")) {
            return Long.parseLong(value);
          }
          return 0;
        } catch (IOException | RuntimeException e) {
          // not this cgroup version
        }
      }
      return 0;
    }
  }
}

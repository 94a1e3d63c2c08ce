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
 * out of that half, whatever set it ({@code -Xmx}, {@code -XX:MaxRAMPercentage}, the default
 * quarter); the rest is split evenly among the workers. Each worker gets at least {@value
 * #MIN_HEAP_MIB} MiB and at most a quarter of the memory, the JVM's own default. The other half is
 * left to what is not heap: metaspace, code, thread stacks and buffers of every JVM, and the
 * operating system. A parent whose own heap is half the memory or more leaves each worker the
 * minimum: such a parent should give its workers a heap with {@code maxHeap(...)}.
 *
 * <p>The memory the JVM sees is, on Linux, the smallest memory limit of this process's own cgroup
 * and of the cgroups above it (cgroup v2 {@code memory.max}, or v1 {@code memory.limit_in_bytes},
 * found through {@code /proc/self/cgroup} and {@code /proc/self/mountinfo}, so that a nested group
 * is read where it is mounted) when it has one, else the machine's {@code MemTotal}; elsewhere, four
 * times the parent's maximum heap, which is what the parent sees when its heap has the default
 * size. Reading a few small files takes microseconds, where the {@code OperatingSystemMXBean} takes
 * tens of milliseconds on the path of a pool's first result, and needs the {@code jdk.management}
 * module.
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
    long forWorkers = Math.max(0, visibleMemory / 2 - parentMaxHeap);
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

  /**
   * The smallest memory limit, in bytes, of the cgroup of this process and of the groups above it,
   * or 0 if none is set (or none can be read). Every path is read below {@code root}, which is
   * {@code /} but for tests.
   */
  static long cgroupLimit(Path root) {
    List<String> membership;
    List<String> mounts;
    try {
      membership = Files.readAllLines(root.resolve("proc/self/cgroup"));
      mounts = Files.readAllLines(root.resolve("proc/self/mountinfo"));
    } catch (IOException | RuntimeException e) {
      return 0; // no cgroups here
    }
    long smallest = 0;
    for (String line : membership) {
      // "hierarchy-id:controllers:path": v2 has the id 0 and no controllers; v1 names "memory".
      int first = line.indexOf(':');
      int second = line.indexOf(':', first + 1);
      if (first < 0 || second < 0) {
        continue;
      }
      String controllers = line.substring(first + 1, second);
      String group = line.substring(second + 1);
      boolean v2 = controllers.isEmpty();
      if (!v2 && !List.of(controllers.split(",")).contains("memory")) {
        continue;
      }
      long limit = groupLimit(root, mounts, group, v2);
      if (limit > 0 && (smallest == 0 || limit < smallest)) {
        smallest = limit;
      }
    }
    return smallest;
  }

  /** The smallest limit of {@code group} and its ancestors in the hierarchy's mount, or 0. */
  private static long groupLimit(Path root, List<String> mounts, String group, boolean v2) {
    for (String mount : mounts) {
      // "id parent major:minor root mount-point options... - fstype source super-options"
      String[] fields = mount.split(" ");
      int separator = List.of(fields).indexOf("-");
      if (fields.length < 5 || separator < 0 || separator + 3 > fields.length) {
        continue;
      }
      String type = fields[separator + 1];
      boolean memoryMount =
          v2
              ? type.equals("cgroup2")
              : type.equals("cgroup")
                  && List.of(fields[separator + 3].split(",")).contains("memory");
      if (!memoryMount) {
        continue;
      }
      String mountRoot = fields[3];
      String mountPoint = fields[4];
      // The mount shows the part of the hierarchy below mountRoot (a container's own group).
      String below;
      if (mountRoot.equals("/")) {
        below = group;
      } else if (group.equals("/")) {
        below = ""; // a cgroup namespace: this process's group is what the mount shows
      } else if (group.equals(mountRoot) || group.startsWith(mountRoot + "/")) {
        below = group.substring(mountRoot.length());
      } else {
        continue;
      }
      Path top = root.resolve(mountPoint.substring(1));
      Path directory = below.isEmpty() || below.equals("/") ? top : top.resolve(below.substring(1));
      String file = v2 ? "memory.max" : "memory.limit_in_bytes";
      long smallest = 0;
      for (Path at = directory; at != null && at.startsWith(top); at = at.getParent()) {
        long limit = limitIn(at.resolve(file));
        if (limit > 0 && (smallest == 0 || limit < smallest)) {
          smallest = limit;
        }
      }
      return smallest;
    }
    return 0;
  }

  /** The limit in a memory.max or memory.limit_in_bytes file, or 0 for none ("max", unreadable). */
  private static long limitIn(Path file) {
    try {
      String value = Files.readString(file).trim();
      return value.equals("max") ? 0 : Long.parseLong(value);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Read on first use. */
  private static final class VisibleMemory {
    static final long BYTES = read();

    private static long read() {
      long machine = meminfoTotal();
      if (machine > 0) {
        // v1 writes "no limit" as a number near Long.MAX_VALUE: above the machine, so ignored.
        long limit = cgroupLimit(Path.of("/"));
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
  }
}

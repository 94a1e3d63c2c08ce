package dev.parallelizable.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.internal.process.WorkerConfig.Output;
import dev.parallelizable.internal.protocol.SerializationCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default heap of workers keeps a pool and its parent within the memory the JVM sees. */
class WorkerHeapTest {
  private static final long MIB = 1024 * 1024;
  private static final long GIB = 1024 * MIB;

  @Test
  void halfOfTheMemoryIsForHeapsAndTheParentKeepsItsOwn() {
    // 4 GiB container, parent with the default quarter: (2 GiB - 1 GiB) / 4
    assertEquals(256, WorkerHeap.perWorkerMib(4 * GIB, GIB, 4));
    // a parent with a small heap leaves more to the workers
    assertEquals(448, WorkerHeap.perWorkerMib(4 * GIB, 256 * MIB, 4));
    // a parent with a heap above a quarter keeps all of it: -XX:MaxRAMPercentage=37.5
    assertEquals(128, WorkerHeap.perWorkerMib(4 * GIB, 1536 * MIB, 4));
  }

  @Test
  void aParentWithMaxRamPercentage75LeavesItsWorkersTheMinimumNotAQuarterEach() {
    long memory = 8 * GIB;
    long parent = memory * 3 / 4;
    assertEquals(WorkerHeap.MIN_HEAP_MIB, WorkerHeap.perWorkerMib(memory, parent, 2));
  }

  @Test
  void aWorkerNeverGetsMoreThanTheJvmsDefaultNorLessThan64Mib() {
    assertEquals(4 * 1024, WorkerHeap.perWorkerMib(16 * GIB, 0, 1), "a quarter at most");
    assertEquals(64, WorkerHeap.perWorkerMib(512 * MIB, 128 * MIB, 16), "64 MiB at least");
  }

  @Test
  void heapsOfParentAndWorkersFitInTheMemoryForAnyPoolSize() {
    for (long memory : new long[] {GIB, 4 * GIB, 32 * GIB}) {
      for (long parent : new long[] {memory / 8, memory / 4, memory / 3}) {
        for (int workers = 1; workers <= 64; workers++) {
          long each = WorkerHeap.perWorkerMib(memory, parent, workers);
          long total = parent + workers * each * MIB;
          assertTrue(
              total <= memory / 2 || each == WorkerHeap.MIN_HEAP_MIB,
              memory + " bytes, parent " + parent + ", " + workers + " workers: " + total);
        }
      }
    }
  }

  /** A fake root with /proc/self/cgroup, /proc/self/mountinfo and the given cgroup files. */
  private static Path fakeRoot(Path root, String cgroup, String mountinfo, String... fileAndValue)
      throws IOException {
    Files.createDirectories(root.resolve("proc/self"));
    Files.writeString(root.resolve("proc/self/cgroup"), cgroup);
    Files.writeString(root.resolve("proc/self/mountinfo"), mountinfo);
    for (int i = 0; i < fileAndValue.length; i += 2) {
      Path file = root.resolve(fileAndValue[i]);
      Files.createDirectories(file.getParent());
      Files.writeString(file, fileAndValue[i + 1] + "\n");
    }
    return root;
  }

  private static final String V2_MOUNT =
      "30 22 0:27 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
  private static final String V1_MOUNTS =
      "30 22 0:27 / /sys/fs/cgroup rw - tmpfs tmpfs rw,mode=755\n"
          + "31 30 0:28 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"
          + "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n";

  @Test
  void cgroupV2TheSmallestLimitOfTheProcessesOwnGroupAndItsAncestors(@TempDir Path dir)
      throws IOException {
    Path root =
        fakeRoot(
            dir,
            "0::/user.slice/app.slice/run.scope\n",
            V2_MOUNT,
            "sys/fs/cgroup/memory.max", "max",
            "sys/fs/cgroup/user.slice/memory.max", String.valueOf(8 * GIB),
            "sys/fs/cgroup/user.slice/app.slice/memory.max", String.valueOf(3 * GIB),
            "sys/fs/cgroup/user.slice/app.slice/run.scope/memory.max", "max");
    assertEquals(3 * GIB, WorkerHeap.cgroupLimit(root));
  }

  @Test
  void cgroupV2InAContainerWhoseGroupIsTheMountsRoot(@TempDir Path dir) throws IOException {
    Path root =
        fakeRoot(
            dir,
            "0::/\n",
            "30 22 0:27 /kubepods/pod1/c1 /sys/fs/cgroup ro - cgroup2 cgroup2 rw\n",
            "sys/fs/cgroup/memory.max", String.valueOf(512 * MIB));
    assertEquals(512 * MIB, WorkerHeap.cgroupLimit(root));
  }

  @Test
  void cgroupV1NestedGroupIsReadBelowTheMemoryControllersMount(@TempDir Path dir)
      throws IOException {
    Path root =
        fakeRoot(
            dir,
            "4:memory:/process_api/abc\n3:cpu:/\n0::/\n",
            V1_MOUNTS,
            "sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712",
            "sys/fs/cgroup/memory/process_api/abc/memory.limit_in_bytes", String.valueOf(GIB),
            "sys/fs/cgroup/cpu/process_api/abc/memory.limit_in_bytes", "1");
    assertEquals(GIB, WorkerHeap.cgroupLimit(root));
  }

  @Test
  void cgroupV1ContainerMountRootIsStrippedFromTheGroupsPath(@TempDir Path dir)
      throws IOException {
    Path root =
        fakeRoot(
            dir,
            "7:cpuacct,memory:/docker/c1\n",
            "34 30 0:31 /docker/c1 /sys/fs/cgroup/memory ro - cgroup cgroup rw,cpuacct,memory\n",
            "sys/fs/cgroup/memory/memory.limit_in_bytes", String.valueOf(2 * GIB));
    assertEquals(2 * GIB, WorkerHeap.cgroupLimit(root));
  }

  @Test
  void noLimitNoCgroupOrUnreadableFilesMeanNoLimit(@TempDir Path dir) throws IOException {
    assertEquals(0, WorkerHeap.cgroupLimit(dir.resolve("nothing-here")));
    Path unlimited =
        fakeRoot(dir.resolve("unlimited"), "0::/a\n", V2_MOUNT, "sys/fs/cgroup/a/memory.max", "max");
    assertEquals(0, WorkerHeap.cgroupLimit(unlimited));
    Path garbage =
        fakeRoot(
            dir.resolve("garbage"),
            "no colons\n0::/a\n",
            "short line\n" + V2_MOUNT,
            "sys/fs/cgroup/a/memory.max", "lots");
    assertEquals(0, WorkerHeap.cgroupLimit(garbage));
  }

  @Test
  void theMachinesMemoryIsReadFromTheMemTotalLineOfMeminfo() {
    assertEquals(24 * GIB, WorkerHeap.memTotal("MemTotal:       25165824 kB\nMemFree:  1 kB\n"));
    assertEquals(
        2 * GIB, WorkerHeap.memTotal("Inactive: 7 kB\nMemTotal:\t2097152 kB\nSwapTotal: 0 kB\n"));
    assertEquals(0, WorkerHeap.memTotal("MemFree: 1 kB\nSwapMemTotal: 3 kB\n"), "no MemTotal line");
    assertEquals(0, WorkerHeap.memTotal("MemTotal: kB\n"), "no number");
  }

  @Test
  void theHeapOptionsOfTheUserWinOverTheDefault() {
    assertTrue(WorkerHeap.setsMaxHeap(List.of("-Xmx2g")));
    assertTrue(WorkerHeap.setsMaxHeap(List.of("-Dx=y", "-XX:MaxRAMPercentage=50")));
    assertFalse(WorkerHeap.setsMaxHeap(List.of("-Xms1g", "-XX:+UseG1GC")));
  }

  @Test
  void theWorkerCommandCarriesXmxUnlessTheUserSetOne() {
    List<String> defaulted = command(List.of());
    long xmx = defaulted.stream().filter(o -> o.startsWith("-Xmx")).count();
    assertEquals(1, xmx, defaulted.toString());
    assertTrue(defaulted.stream().anyMatch(o -> o.matches("-Xmx\\d+m")), defaulted.toString());

    List<String> chosen = command(List.of("-Xmx300m"));
    assertEquals(List.of("-Xmx300m"), chosen.stream().filter(o -> o.startsWith("-Xmx")).toList());
    List<String> percentage = command(List.of("-XX:MaxRAMPercentage=10"));
    assertFalse(percentage.stream().anyMatch(o -> o.startsWith("-Xmx")), percentage.toString());
  }

  private static List<String> command(List<String> options) {
    WorkerConfig config =
        new WorkerConfig(
            3, options, null, null, 0, 0, null, null, java.time.Duration.ofSeconds(10), null,
            java.time.Duration.ofSeconds(60), 0, SerializationCodec.INSTANCE, false, Output.INHERIT);
    return config.command(Path.of("s"), Path.of("p"), Path.of("x"), "worker-1");
  }
}

package dev.parallelizable.samples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parallelizable.samples.Captured;
import dev.parallelizable.samples.Main;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code bench --quick}: every workload runs on every backend and reports one JSON line each. The
 * figures of a quick run mean nothing, so only the structure is checked, never a time.
 */
class BenchCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Captured out = new Captured();
  private final Captured err = new Captured();

  private int run(String... args) {
    return Main.run(args, out.stream(), err.stream());
  }

  @Test
  @Timeout(180)
  void aQuickRunReportsEveryWorkloadOnEveryBackendAsOneJsonLineEach() throws Exception {
    assertEquals(0, run("bench", "--quick"), err.text());

    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.text().split("\n")) {
      lines.add(JSON.readTree(line)); // throws if a line is not JSON
    }
    Set<String> seen = new LinkedHashSet<>();
    for (JsonNode line : lines) {
      assertTrue(line.isObject(), line.toString());
      for (String field : new String[] {"workload", "backend", "unit", "median", "reps", "ok"}) {
        assertTrue(line.has(field), field + " in " + line);
      }
      assertTrue(line.get("median").isNumber(), line.toString());
      assertTrue(line.get("ok").asBoolean(), "wrong results: " + line);
      seen.add(line.get("workload").asText() + " " + line.get("backend").asText());
    }
    Set<String> expected = new LinkedHashSet<>();
    for (String backend : List.of("loop", "jdk-executor", "parallel-stream", "sequential", "threads", "processes")) {
      expected.add("W1 " + backend);
      expected.add("W3 " + backend);
    }
    for (String backend :
        List.of("jdk-executor", "threads-jobs", "threads", "processes-jobs", "processes", "processes-warm-first",
            "processes-warm-second", "bare-jvms", "worker-floor")) {
      expected.add("W2 " + backend);
    }
    // A second run finds the first run's workers warm; with a class-data archive only from a jar.
    for (String backend :
        List.of("jdk-executor", "sequential", "threads", "processes", "processes-warm-first", "processes-warm-second")) {
      expected.add("W4 " + backend);
    }
    for (String backend : List.of("loop", "jdk-executor", "sequential", "threads", "processes")) {
      expected.add("W5 " + backend);
      expected.add("W6 " + backend);
    }
    expected.add("W5 processes-bound");
    for (String backend : List.of("loop", "threads", "processes")) {
      expected.add("W1-scale " + backend);
    }
    expected.add("W1 loop-array"); // the loop without boxing, beside the loop into a List<Long>
    expected.add("W1 processes-bound"); // the floor of W1's process figures, as W5's above
    assertEquals(expected, seen);
    long w1Lines = lines.stream().filter(l -> l.get("workload").asText().equals("W1")).count();
    assertEquals(2 * (6 + 2 + 1 + 1), w1Lines,
        "W1 runs two sizes on six backends, the generated map on two, the loop into an array, and the bound"
            + " of processes");
    long generatedMapLines =
        lines.stream()
            .filter(l -> l.get("workload").asText().equals("W1") && l.path("mode").asText().equals("generated map"))
            .count();
    assertEquals(2 * 2, generatedMapLines, "the generated map runs on threads and processes, at both sizes");
    for (JsonNode line : lines) {
      if (line.get("workload").asText().equals("W1")) {
        assertEquals("loop", line.get("baseline").asText(), line.toString());
        assertTrue(line.get("ratio").isNumber(), line.toString());
      }
      if (line.get("backend").asText().equals("worker-floor")) {
        // ok: each worker main sent its token over its socket, and halted once its standard input ended
        assertTrue(line.get("handshake_s").asDouble() <= line.get("median").asDouble(), line.toString());
      }
      if (line.get("workload").asText().equals("W3") && !line.get("backend").asText().equals("loop")) {
        assertTrue(line.get("speedup").isNumber(), line.toString());
        assertTrue(line.get("cold_speedup").isNumber(), line.toString());
      }
    }
  }

  @Test
  @Timeout(60)
  void onlyTheChosenWorkloadsAndBackendsRun() throws Exception {
    assertEquals(0, run("bench", "--quick", "--workloads", "W5", "--backends", "loop,threads"));

    List<String> pairs = new ArrayList<>();
    for (String line : out.text().split("\n")) {
      JsonNode json = JSON.readTree(line);
      pairs.add(json.get("workload").asText() + " " + json.get("backend").asText());
    }
    assertEquals(List.of("W5 loop", "W5 threads"), pairs);
  }

  @Test
  @Timeout(120)
  void w8ComparesTheHandleWithTheArrayAndReportsMemory() throws Exception {
    assertEquals(0, run("bench", "--quick", "--workloads", "W8", "--backends", "loop,threads,processes"));

    List<String> backends = new ArrayList<>();
    for (String line : out.text().split("\n")) {
      JsonNode json = JSON.readTree(line);
      assertEquals("W8", json.get("workload").asText());
      assertTrue(json.get("ok").asBoolean(), line);
      String backend = json.get("backend").asText();
      backends.add(backend);
      if (backend.startsWith("processes")) {
        assertEquals("processes-shared", json.get("baseline").asText(), line);
        assertTrue(json.get("ratio").isNumber(), line);
        assertTrue(json.get("workers_rss_MB").asDouble() > 0, line);
        assertTrue(json.get("workers_private_MB").asDouble() > 0, line);
        assertTrue(json.get("parent_rss_MB").asDouble() > 0, line);
      }
    }
    assertEquals(
        List.of("loop", "threads-shared", "processes-shared", "processes-shared-per-call", "processes-array",
            "processes-copy"),
        backends);
  }

  @Test
  @Timeout(180)
  void theWorkerStartWorkloadsReportRecyclingAndASecondPoolAgainstThreads() throws Exception {
    assertEquals(0, run("bench", "--quick", "--workloads", "W7,W1-cold"), err.text());

    List<String> pairs = new ArrayList<>();
    for (String line : out.text().split("\n")) {
      JsonNode json = JSON.readTree(line);
      assertTrue(json.get("ok").asBoolean(), "wrong results: " + line);
      pairs.add(json.get("workload").asText() + " " + json.get("backend").asText());
      if (json.get("workload").asText().equals("W1-cold")) {
        assertEquals("threads", json.get("baseline").asText(), line);
        assertTrue(json.get("ratio").isNumber(), line);
      } else if (json.get("backend").asText().equals("bare-jvms")) {
        assertEquals(20, json.get("jvms").asInt(), line); // as many as the quick W7 starts workers
        assertTrue(json.get("ms_per_jvm").isNumber(), line);
      } else {
        assertTrue(json.get("ms_per_task").isNumber(), line);
      }
    }
    assertEquals(
        List.of("W7 processes", "W7 processes-classloader", "W7 bare-jvms", "W1-cold threads", "W1-cold processes", "W1-cold processes-reused"),
        pairs);
  }

  @Test
  @Timeout(30)
  void anUnknownWorkloadIsABadArgument() {
    assertEquals(2, run("bench", "--workloads", "W9"));

    assertTrue(err.text().contains("unknown workload 'W9': give some of W1,W2,W3,W4,W5,W6,W1-scale,W7,W1-cold"), err.text());
    assertEquals("", out.text());
  }

  @Test
  @Timeout(30)
  void anUnknownBackendIsABadArgument() {
    assertEquals(2, run("bench", "--backends", "gpu"));

    assertTrue(err.text().contains("unknown backend 'gpu': give some of loop,jdk-executor,"), err.text());
  }
}

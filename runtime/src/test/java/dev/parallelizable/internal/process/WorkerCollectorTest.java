package dev.parallelizable.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.internal.protocol.SerializationCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers get the serial collector where it starts as fast as the default one: from JDK 18 on,
 * which loads the objects of the class data sharing archive into any collector's heap; and they
 * map that archive where it was written for, unless their options choose otherwise.
 */
class WorkerCollectorTest {
  @TempDir Path folder;

  /** The {@code bin/java} of a JDK home whose {@code release} file has {@code line}, or none if null. */
  private Path javaOfRelease(String name, String line) throws IOException {
    Path home = Files.createDirectories(folder.resolve(name));
    Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
    Files.writeString(java, "");
    if (line != null) {
      Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Someone\"\n" + line + "\nOS_NAME=\"Linux\"\n");
    }
    return java;
  }

  @Test
  void theReleaseOfAnotherJdkIsReadFromItsReleaseFile() throws IOException {
    assertEquals(17, WorkerConfig.featureVersion(javaOfRelease("17", "JAVA_VERSION=\"17.0.9\"")));
    assertEquals(25, WorkerConfig.featureVersion(javaOfRelease("25", "JAVA_VERSION=\"25\"")));
    assertEquals(8, WorkerConfig.featureVersion(javaOfRelease("8", "JAVA_VERSION=\"1.8.0_392\"")));
    assertEquals(-1, WorkerConfig.featureVersion(javaOfRelease("none", null)), "no release file");
    assertEquals(-1, WorkerConfig.featureVersion(javaOfRelease("garbled", "JAVA_VERSION=\"x\"")));
    assertEquals(-1, WorkerConfig.featureVersion(javaOfRelease("huge", "JAVA_VERSION=\"99999999999\"")),
        "more than four digits are no release");
    assertEquals(-1, WorkerConfig.featureVersion(Path.of("java")), "a bare name has no home");
  }

  @Test
  void thisJvmsReleaseIsItsOwn() {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    assertEquals(Runtime.version().feature(), WorkerConfig.featureVersion(java));
  }

  @Test
  void aWorkersCommandCarriesTheSerialCollectorAsItsJdksReleaseSays() throws IOException {
    List<String> jdk17 = command(javaOfRelease("17", "JAVA_VERSION=\"17.0.9\""), List.of());
    assertFalse(jdk17.contains("-XX:+UseSerialGC"), jdk17.toString());
    assertTrue(jdk17.contains("-XX:-UsePerfData"), jdk17.toString());
    List<String> jdk21 = command(javaOfRelease("21", "JAVA_VERSION=\"21.0.1\""), List.of());
    assertTrue(jdk21.contains("-XX:+UseSerialGC"), jdk21.toString());
    assertTrue(jdk21.stream().anyMatch(o -> o.startsWith("-XX:PretenureSizeThreshold=")), jdk21.toString());
    List<String> chosen = command(javaOfRelease("21", "JAVA_VERSION=\"21.0.1\""), List.of("-XX:+UseZGC"));
    assertFalse(chosen.contains("-XX:+UseSerialGC"), chosen.toString());
  }

  @Test
  void aWorkerMapsTheArchiveAtItsAddressUnlessItsOptionsSayOtherwise() throws IOException {
    Path java = javaOfRelease("17", "JAVA_VERSION=\"17.0.9\"");
    List<String> plain = command(java, List.of());
    assertTrue(plain.contains("-XX:ArchiveRelocationMode=0"), plain.toString());
    int unlocked = plain.indexOf("-XX:+UnlockDiagnosticVMOptions");
    assertTrue(unlocked >= 0 && unlocked < plain.indexOf("-XX:ArchiveRelocationMode=0"),
        "the diagnostic option is unlocked before it is set: " + plain);
    for (String chosen : List.of("-XX:ArchiveRelocationMode=1", "-Xshare:off")) {
      List<String> command = command(java, List.of(chosen));
      assertFalse(command.contains("-XX:ArchiveRelocationMode=0"), command.toString());
      assertFalse(command.contains("-XX:+UnlockDiagnosticVMOptions"), command.toString());
      assertTrue(command.contains(chosen), command.toString());
    }
  }

  private static List<String> command(Path java, List<String> options) {
    WorkerConfig config = new WorkerConfig(1, options, null, java, 0, 0, null, null, Duration.ofSeconds(10), null,
        Duration.ofSeconds(60), 0, SerializationCodec.INSTANCE, false, WorkerConfig.Output.INHERIT);
    return config.command(Path.of("s"), Path.of("p"), Path.of("x"), "worker-1");
  }

  @Test
  void theSerialCollectorFromJdk18OnOrWhereTheReleaseIsUnknownUnlessTheOptionsChooseOne() throws IOException {
    assertFalse(WorkerConfig.serialCollector(javaOfRelease("17", "JAVA_VERSION=\"17.0.9\""), List.of()));
    assertTrue(WorkerConfig.serialCollector(javaOfRelease("18", "JAVA_VERSION=\"18.0.2\""), List.of()));
    assertTrue(WorkerConfig.serialCollector(javaOfRelease("unknown", null), List.of()));
    assertFalse(WorkerConfig.serialCollector(javaOfRelease("21", "JAVA_VERSION=\"21.0.1\""),
        List.of("-Xmx1g", "-XX:+UseParallelGC")), "the options chose one");
  }
}

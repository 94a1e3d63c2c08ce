package dev.parallelizable.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.internal.process.ProcessPool;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shape of {@code internal.process}, the parent's side of a process pool: no class in it
 * references another both ways, so each object's life is kept in one place; the worker's side,
 * {@code internal.process.child}, references none of it, since it runs in another JVM. Nested
 * classes count as their top-level class.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PackageDependenciesTest {
  /** A direct member of {@code internal.process}, by its top-level name; not one of a subpackage. */
  private static final Pattern PROCESS_CLASS =
      Pattern.compile("dev/parallelizable/internal/process/([A-Za-z0-9_]+)(?=[$;<]|$)");

  @Test
  void noTwoParentClassesReferenceEachOther() throws Exception {
    Map<String, Set<String>> uses = new TreeMap<>();
    for (Path file : classFiles(processDirectory())) {
      String owner = topLevel(file);
      Set<String> used = uses.computeIfAbsent(owner, name -> new TreeSet<>());
      used.addAll(references(file));
      used.remove(owner);
    }
    List<String> pairs = new ArrayList<>();
    uses.forEach(
        (a, used) -> {
          for (String b : used) {
            if (a.compareTo(b) < 0 && uses.getOrDefault(b, Set.of()).contains(a)) {
              pairs.add(a + " <-> " + b);
            }
          }
        });
    assertEquals(
        List.of(),
        pairs,
        "internal.process classes that reference each other both ways: " + pairs);
  }

  @Test
  void workerSideReferencesNoParentClass() throws Exception {
    Set<String> found = new TreeSet<>();
    for (Path file : classFiles(processDirectory().resolve("child"))) {
      for (String parent : references(file)) {
        found.add(topLevel(file) + " -> " + parent);
      }
    }
    assertEquals(
        Set.of(), found, "internal.process.child classes that reference internal.process: " + found);
  }

  /** The rules above would pass on nothing parsed; this shows they see the classes and a link. */
  @Test
  void parserFindsKnownReference() throws Exception {
    Path process = processDirectory();
    assertTrue(classFiles(process).size() >= 5, "class files in " + process);
    assertTrue(classFiles(process.resolve("child")).size() >= 5, "class files in child");
    Set<String> used = references(process.resolve("ProcessPool.class"));
    assertTrue(used.contains("WorkerProcess"), "ProcessPool references " + used);
  }

  private static Path processDirectory() throws Exception {
    Path classes =
        Path.of(ProcessPool.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    return classes.resolve("dev/parallelizable/internal/process");
  }

  /** The class files directly in {@code directory}, not in its subdirectories. */
  private static List<Path> classFiles(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(f -> f.toString().endsWith(".class") && Files.isRegularFile(f)).toList();
    }
  }

  /** {@code Outer} for {@code Outer.class}, {@code Outer$Inner.class} and {@code Outer$1.class}. */
  private static String topLevel(Path classFile) {
    String name = classFile.getFileName().toString();
    return name.substring(0, name.length() - ".class".length()).split("\\$", 2)[0];
  }

  /**
   * The top-level classes of {@code internal.process} that a class file names. It reads the
   * constant pool rather than the sources, because a javadoc mention is no dependency: only what
   * the compiler kept is. Every class, field or method descriptor and generic signature is a Utf8
   * entry there; no string literal in this code holds such a slash-separated class name.
   */
  private static Set<String> references(Path classFile) throws IOException {
    Set<String> found = new TreeSet<>();
    try (InputStream file = Files.newInputStream(classFile);
        DataInputStream in = new DataInputStream(new BufferedInputStream(file))) {
      assertEquals(0xCAFEBABE, in.readInt(), "magic of " + classFile);
      in.skipNBytes(4); // minor and major version
      int count = in.readUnsignedShort();
      for (int i = 1; i < count; i++) {
        int tag = in.readUnsignedByte();
        switch (tag) {
          case 1 -> { // Utf8
            Matcher matcher = PROCESS_CLASS.matcher(in.readUTF());
            while (matcher.find()) {
              found.add(matcher.group(1));
            }
          }
          case 7, 8, 16, 19, 20 -> in.skipNBytes(2); // Class, String, MethodType, Module, Package
          case 15 -> in.skipNBytes(3); // MethodHandle
          case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
          case 5, 6 -> { // Long and Double take two slots
            in.skipNBytes(8);
            i++;
          }
          default -> throw new IOException("constant tag " + tag + " in " + classFile);
        }
      }
    }
    return found;
  }
}

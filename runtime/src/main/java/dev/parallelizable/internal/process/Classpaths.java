package dev.parallelizable.internal.process;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Which code a worker JVM can load: the entries of the classpath it is started with, including the
 * jars named by the {@code Class-Path} of a jar's manifest (Maven Surefire runs tests with a
 * manifest-only jar whose {@code Class-Path} is the real classpath) and {@code dir/*} wildcards.
 *
 * <p>Used to fail fast, with a message that says what to do, when a task's class was loaded from a
 * place the workers do not see: {@code mvn exec:java}, application servers and plugin systems load
 * application classes with class loaders of their own, outside {@code java.class.path}.
 *
 * <p>Thread-safe; the expansion of each classpath string is computed once.
 */
final class Classpaths {
  private static final Map<String, Set<Path>> EXPANDED = new ConcurrentHashMap<>();

  private Classpaths() {}

  /** The real paths of the entries of {@code classpath}, expanded. */
  static Set<Path> entries(String classpath) {
    return EXPANDED.computeIfAbsent(classpath, Classpaths::expand);
  }

  /**
   * Whether {@code location} is literally an entry of {@code classpath}: the common case, answered
   * without reading any jar, which matters on the path of a pool's first result.
   */
  private static boolean listed(String classpath, Path location) {
    for (String entry : classpath.split(File.pathSeparator)) {
      try {
        if (!entry.isEmpty() && real(Paths.get(entry)).equals(location)) {
          return true;
        }
      } catch (InvalidPathException e) {
        // not a path: it lists nothing
      }
    }
    return false;
  }

  private static Set<Path> expand(String classpath) {
    Set<Path> entries = new LinkedHashSet<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      if (entry.isEmpty()) {
        continue;
      }
      try {
        if (entry.endsWith("*") && (entry.length() == 1 || entry.charAt(entry.length() - 2) == File.separatorChar)) {
          Path directory = Paths.get(entry.substring(0, entry.length() - 1)).toAbsolutePath();
          try (DirectoryStream<Path> jars = Files.newDirectoryStream(directory)) {
            for (Path jar : jars) {
              if (jar.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar")) {
                add(entries, jar);
              }
            }
          }
        } else {
          add(entries, Paths.get(entry));
        }
      } catch (IOException | InvalidPathException e) {
        // an entry that cannot be read provides no classes to the workers either
      }
    }
    return Set.copyOf(entries);
  }

  private static void add(Set<Path> entries, Path entry) {
    Path real = real(entry);
    if (!entries.add(real) || !Files.isRegularFile(real)) {
      return;
    }
    String manifestClasspath = null;
    try (JarFile jar = new JarFile(real.toFile())) {
      Manifest manifest = jar.getManifest();
      if (manifest != null) {
        manifestClasspath = manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
      }
    } catch (IOException e) {
      return;
    }
    if (manifestClasspath == null) {
      return;
    }
    for (String reference : manifestClasspath.trim().split("\\s+")) {
      if (reference.isEmpty()) {
        continue;
      }
      try {
        URI uri = new URI(reference);
        Path referenced =
            uri.isAbsolute() ? Paths.get(uri) : Paths.get(real.getParent().toUri().resolve(uri));
        add(entries, referenced);
      } catch (URISyntaxException | IllegalArgumentException e) {
        // a malformed reference is ignored by the JVM as well
      }
    }
  }

  private static Path real(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    try {
      return absolute.toRealPath();
    } catch (IOException e) {
      return absolute;
    }
  }

  /** Where {@code type} was loaded from, or null if its class loader does not say. */
  static Path location(Class<?> type) {
    CodeSource source = type.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return null;
    }
    try {
      return real(Paths.get(source.getLocation().toURI()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Throws a message saying what to do if workers started with {@code classpath} cannot load
   * {@code type}.
   *
   * @param what what needs the class, for the message: "Task class", "The codec"
   */
  static void requireLoadable(String classpath, Class<?> type, String what) {
    Path location = location(type);
    if (location != null && (listed(classpath, location) || entries(classpath).contains(location))) {
      return;
    }
    throw new IllegalStateException(
        String.format(
            "%s %s cannot be loaded by worker processes: it comes from %s (class loader %s), which is"
                + " not on the classpath the workers get (%s). This happens when a tool loads the"
                + " application with a class loader of its own that the pool was not built under, as"
                + " application servers and plugin systems do. Give the workers a classpath that"
                + " holds it: Parallel.processPool().classpath(...)",
            what,
            type.getName(),
            location == null ? "an unknown location" : location,
            type.getClassLoader(),
            abbreviate(classpath)));
  }

  private static String abbreviate(String classpath) {
    if (classpath.isEmpty()) {
      return "empty";
    }
    return classpath.length() <= 300 ? classpath : classpath.substring(0, 297) + "...";
  }
}

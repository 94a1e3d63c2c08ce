package dev.parallelizable.samples.docs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java snippet of the manual compiles: each fenced {@code ```java} block of {@code README.md}
 * and of every Markdown page under {@code docs/} (pages added later included), compiled with javac
 * and the real annotation processor on the processor path, against this module's test classpath
 * (the runtime, the cluster pool, the Micrometer binder and their dependencies), with {@code
 * -Xlint:all,-processing -Werror} at release 17.
 *
 * <p>The blocks of one page are compiled together, so a block may use what another block of the
 * same page declares, and the {@code ...Parallel} classes the processor generates for it. Pages are
 * compiled apart from each other. The Markdown says what a block is with an HTML comment on the
 * line just before its opening fence (invisible once rendered):
 *
 * <ul>
 *   <li>no comment: the block is a compilation unit, one or more top-level types; without a {@code
 *       package} line it is put in package {@code com.example}. It is named after its first public
 *       top-level type, else its first one.
 *   <li>{@code <!-- snippet: statements -->}: the block is statements, compiled as the body of a
 *       method {@code void snippet() throws Exception} of a class in package {@code com.example}.
 *       Variables the statements use without declaring them are given after a semicolon, as the
 *       method's parameters: {@code <!-- snippet: statements; List<Path> paths, Pool pool -->}.
 *   <li>{@code <!-- snippet: members -->}: the block is fields, methods or nested types, compiled
 *       as the body of a class in package {@code com.example}.
 * </ul>
 *
 * <p>Wrapped blocks import {@code dev.parallelizable.*}, {@code dev.parallelizable.cluster.*},
 * {@code java.io.*}, {@code java.nio.file.*}, {@code java.time.*}, {@code java.util.*}, {@code
 * java.util.concurrent.*} and {@code java.util.stream.*}. Any other comment starting with {@code
 * <!-- snippet:} fails the test, so a typo cannot silently skip a block. Other languages ({@code
 * xml}, {@code sh}, {@code text}, {@code kotlin}) are not compiled here; the README's Maven setup
 * is built by {@code .ci/readme-project}.
 */
class DocSnippetsTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern FENCE = Pattern.compile("^```(\\w*)\\s*$");
  private static final Pattern MARKER = Pattern.compile("^<!--\\s*snippet:\\s*(.*?)\\s*-->\\s*$");
  private static final Pattern TYPE =
      Pattern.compile("^(public\\s+)?(?:(?:abstract|final|sealed|non-sealed|strictfp)\\s+)*"
          + "(?:class|interface|enum|record|@interface)\\s+(\\w+)", Pattern.MULTILINE);
  private static final String IMPORTS =
      "import dev.parallelizable.*;\nimport dev.parallelizable.cluster.*;\nimport java.io.*;\n"
          + "import java.nio.file.*;\nimport java.time.*;\nimport java.util.*;\n"
          + "import java.util.concurrent.*;\nimport java.util.stream.*;\n";

  @TempDir Path work;

  /** One Java block of a page: where it starts, what it is, its code. */
  record Block(Path page, int line, String marker, String code) {
    String where() {
      return ROOT.relativize(page) + ":" + line;
    }
  }

  @TestFactory
  Stream<DynamicTest> everyJavaSnippetOfTheManualCompiles() throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(ROOT.resolve("README.md"));
    try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
      docs.filter(file -> file.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    assertTrue(pages.size() > 1, "no page found under " + ROOT.resolve("docs").toAbsolutePath());
    return pages.stream()
        .map(page -> DynamicTest.dynamicTest(
            ROOT.relativize(page).toString(),
            () -> assertTimeoutPreemptively(Duration.ofMinutes(2), () -> compile(page))));
  }

  private void compile(Path page) throws IOException {
    List<Block> blocks = javaBlocks(page);
    if (blocks.isEmpty()) {
      return;
    }
    String name = page.getFileName().toString().replace(".md", "").replaceAll("\\W", "_");
    Path sources = Files.createDirectories(work.resolve(name).resolve("src"));
    Path classes = Files.createDirectories(work.resolve(name).resolve("classes"));
    Path generated = Files.createDirectories(work.resolve(name).resolve("generated"));
    List<Path> files = new ArrayList<>();
    List<Block> fileBlocks = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      Block block = blocks.get(i);
      String unit = unitOf(block, "Snippet" + (i + 1));
      Matcher type = TYPE.matcher(unit);
      assertTrue(type.find(), block.where() + ": no top-level type in\n" + unit);
      String typeName = type.group(2);
      Matcher publicType = Pattern.compile("^public\\s+(?:(?:abstract|final|sealed|non-sealed|strictfp)\\s+)*"
          + "(?:class|interface|enum|record|@interface)\\s+(\\w+)", Pattern.MULTILINE).matcher(unit);
      if (publicType.find()) {
        typeName = publicType.group(1);
      }
      Path folder = Files.createDirectories(sources.resolve("b" + (i + 1)));
      Path file = folder.resolve(typeName + ".java");
      Files.writeString(file, unit, StandardCharsets.UTF_8);
      files.add(file);
      fileBlocks.add(block);
    }

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    String classpath = System.getProperty("java.class.path");
    List<String> options = List.of(
        "--release", "17",
        "-Xlint:all,-processing", "-Werror",
        "-classpath", classpath,
        "-processorpath", classpath,
        "-processor", "dev.parallelizable.processor.ParallelizableProcessor",
        "-d", classes.toString(),
        "-s", generated.toString());
    boolean compiled;
    try (StandardJavaFileManager fileManager = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      compiled = javac.getTask(null, fileManager, diagnostics, options, null, fileManager.getJavaFileObjectsFromPaths(files)).call();
    }
    List<String> problems = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
      if (diagnostic.getKind() == Diagnostic.Kind.NOTE) {
        continue;
      }
      String where = "";
      if (diagnostic.getSource() != null) {
        Path source = Path.of(diagnostic.getSource().toUri());
        int index = files.indexOf(source);
        where = index >= 0
            ? fileBlocks.get(index).where() + " (line " + diagnostic.getLineNumber() + " of the block as compiled)"
            : source + ":" + diagnostic.getLineNumber();
      }
      problems.add(diagnostic.getKind() + " " + where + ": " + diagnostic.getMessage(Locale.ROOT));
    }
    if (!compiled || !problems.isEmpty()) {
      fail("Java snippets of " + ROOT.relativize(page) + " do not compile cleanly:\n"
          + String.join("\n", problems) + "\n\nAs compiled:\n" + listing(files));
    }
  }

  /** The block as a compilation unit, wrapped as its marker says. */
  private static String unitOf(Block block, String className) {
    String kind = block.marker() == null ? "" : block.marker().split(";", 2)[0].trim();
    String parameters = block.marker() != null && block.marker().contains(";")
        ? block.marker().split(";", 2)[1].trim()
        : "";
    switch (kind) {
      case "":
        return block.code().lines().anyMatch(line -> line.startsWith("package "))
            ? block.code()
            : "package com.example;\n\n" + block.code();
      case "statements":
        return "package com.example;\n\n" + IMPORTS + "\nfinal class " + className + " {\n"
            + "  void snippet(" + parameters + ") throws Exception {\n" + block.code() + "\n  }\n}\n";
      case "members":
        assertTrue(parameters.isEmpty(), block.where() + ": members take no declarations");
        return "package com.example;\n\n" + IMPORTS + "\nfinal class " + className + " {\n"
            + block.code() + "\n}\n";
      default:
        throw new AssertionError(block.where() + ": unknown snippet marker '" + block.marker()
            + "'; use statements, statements; <declarations>, or members");
    }
  }

  /** The {@code java} blocks of a page, each with the marker on the line before its fence. */
  static List<Block> javaBlocks(Path page) {
    List<String> lines;
    try {
      lines = Files.readAllLines(page, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher fence = FENCE.matcher(lines.get(i));
      if (!fence.matches()) {
        continue;
      }
      int start = i;
      StringBuilder code = new StringBuilder();
      for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
        code.append(lines.get(i)).append('\n');
      }
      assertFalse(i == lines.size(), page + ":" + (start + 1) + ": a fenced block that never ends");
      String marker = null;
      if (start > 0) {
        Matcher comment = MARKER.matcher(lines.get(start - 1));
        if (comment.matches()) {
          marker = comment.group(1);
        } else if (lines.get(start - 1).startsWith("<!-- snippet")) {
          fail(page + ":" + start + ": malformed snippet marker: " + lines.get(start - 1));
        }
      }
      if (fence.group(1).equals("java")) {
        blocks.add(new Block(page, start + 1, marker, code.toString()));
      } else if (marker != null) {
        fail(page + ":" + start + ": a snippet marker before a " + fence.group(1) + " block");
      }
    }
    return blocks;
  }

  private static String listing(List<Path> files) {
    return files.stream()
        .map(file -> {
          try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            StringBuilder text = new StringBuilder("--- ").append(file.getFileName()).append('\n');
            for (int i = 0; i < lines.size(); i++) {
              text.append(String.format("%3d  %s%n", i + 1, lines.get(i)));
            }
            return text.toString();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        })
        .collect(Collectors.joining("\n"));
  }
}

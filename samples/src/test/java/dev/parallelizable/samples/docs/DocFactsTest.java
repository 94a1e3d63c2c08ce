package dev.parallelizable.samples.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.ProcessPoolBuilder;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The facts the manual states about the code agree with the code: the process pool's options and
 * their defaults ({@code docs/worker-processes.md}), the options the pages name, the logger names
 * ({@code docs/deploying.md}), the library's threads ({@code docs/guarantees.md}), the types of
 * the SPI ({@code docs/architecture.md}), the pages of the manual ({@code docs/index.md}), the modules of the build (the README's Layout), and the
 * states of a worker slot (its diagram in {@code WorkerSlot.java}). Each fact is stated in one
 * place, and each test fails when the code and that place disagree. The docs are read from the
 * repository's root, the code by reflection or from its sources.
 */
class DocFactsTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern OPTION_ROW = Pattern.compile("^\\| `(\\w+)\\([^`]*\\)` \\| ([^|]*) \\|", Pattern.MULTILINE);
  private static final Pattern CALL = Pattern.compile("`(?:([A-Za-z_][\\w.]*)\\.)?(\\w+)\\(");
  private static final Pattern LOGGER_ROW = Pattern.compile("^\\| `([\\w.]+)` \\|", Pattern.MULTILINE);

  private static String read(String path) throws IOException {
    return Files.readString(ROOT.resolve(path), StandardCharsets.UTF_8);
  }

  /** The text of a Markdown page from the heading {@code heading} to the next heading of its level. */
  private static String section(String page, String heading) throws IOException {
    String text = read(page);
    int start = text.indexOf("\n" + heading + "\n");
    assertTrue(start >= 0, page + " has no heading '" + heading + "'");
    String level = heading.substring(0, heading.indexOf(' ') + 1);
    int end = text.indexOf("\n" + level, start + heading.length() + 1);
    return text.substring(start, end < 0 ? text.length() : end);
  }

  /** The options of the process pool: the public methods of its builder that configure it. */
  private static Set<String> processPoolOptions() {
    Set<String> options = new TreeSet<>();
    for (Method method : ProcessPoolBuilder.class.getDeclaredMethods()) {
      if (Modifier.isPublic(method.getModifiers()) && !Modifier.isStatic(method.getModifiers())
          && method.getReturnType() == ProcessPoolBuilder.class) {
        options.add(method.getName());
      }
    }
    assertTrue(options.contains("workers") && options.contains("codec"), "options found: " + options);
    return options;
  }

  /** Option name to the Default cell of its row, from the table of worker-processes.md's Options. */
  private static Map<String, String> optionTable() throws IOException {
    Map<String, String> table = new LinkedHashMap<>();
    Matcher row = OPTION_ROW.matcher(section("docs/worker-processes.md", "## Options"));
    while (row.find()) {
      table.put(row.group(1), row.group(2).trim());
    }
    return table;
  }

  @Test
  void theOptionTableListsEveryOptionOfProcessPoolBuilderAndNoOther() throws IOException {
    Set<String> documented = new TreeSet<>(optionTable().keySet());
    Set<String> missing = new TreeSet<>(processPoolOptions());
    missing.removeAll(documented);
    Set<String> unknown = new TreeSet<>(documented);
    unknown.removeAll(processPoolOptions());
    assertEquals(Set.of(), missing, "options of ProcessPoolBuilder missing from the table of docs/worker-processes.md");
    assertEquals(Set.of(), unknown, "rows of docs/worker-processes.md's option table that ProcessPoolBuilder has no method for");
    optionTable().forEach((option, value) -> assertFalse(value.isEmpty(), "no default for " + option));

    // The builder's own javadoc table, for readers of the API docs, lists the same options.
    String source = read("runtime/src/main/java/dev/parallelizable/ProcessPoolBuilder.java");
    int table = source.indexOf("<caption>Options and defaults</caption>");
    assertTrue(table >= 0, "no table of options in ProcessPoolBuilder's javadoc");
    String javadoc = source.substring(table, source.indexOf("</table>", table));
    Set<String> notInJavadoc = new TreeSet<>();
    for (String option : processPoolOptions()) {
      if (!javadoc.contains("{@link #" + option)) {
        notInJavadoc.add(option);
      }
    }
    assertEquals(Set.of(), notInJavadoc, "options missing from the table of ProcessPoolBuilder's javadoc");
  }

  /**
   * The defaults the builder holds as constants ({@code DEFAULT_SHUTDOWN_TIMEOUT}, and the worker
   * configuration's {@code DEFAULT_SHARED_ARRAY_THRESHOLD}) are the ones the table gives.
   */
  @Test
  void theOptionTableGivesTheDefaultsOfTheCode() throws Exception {
    Map<String, Object> defaults = new LinkedHashMap<>();
    collectDefaults(ProcessPoolBuilder.class, defaults);
    collectDefaults(Class.forName("dev.parallelizable.internal.process.WorkerConfig"), defaults);
    assertTrue(defaults.containsKey("shutdownTimeout"), "defaults found: " + defaults);
    Map<String, String> table = optionTable();
    List<String> wrong = new ArrayList<>();
    defaults.forEach((option, value) -> {
      String shown = shown(value);
      String cell = table.get(option);
      if (cell == null || !cell.startsWith(shown)) {
        wrong.add(option + ": the code's default is " + shown + ", the table says " + cell);
      }
    });
    assertEquals(List.of(), wrong, "defaults in docs/worker-processes.md's option table");
  }

  /** {@code DEFAULT_SHUTDOWN_TIMEOUT} is the default of {@code shutdownTimeout}. */
  private static void collectDefaults(Class<?> type, Map<String, Object> defaults) throws IllegalAccessException {
    for (Field field : type.getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getName().startsWith("DEFAULT_")) {
        field.setAccessible(true);
        String[] words = field.getName().substring("DEFAULT_".length()).toLowerCase().split("_");
        StringBuilder option = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
          option.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        defaults.put(option.toString(), field.get(null));
      }
    }
  }

  /** A default as the manual writes it: {@code 10 s}, {@code 1 MiB}. */
  private static String shown(Object value) {
    if (value instanceof Duration duration) {
      return duration.toSeconds() + " s";
    }
    long bytes = ((Number) value).longValue();
    return bytes % (1 << 20) == 0 ? bytes / (1 << 20) + " MiB" : bytes + " bytes";
  }

  /**
   * Every call a page names in backticks ({@code `taskTimeout(d)`}, {@code `pool.terminate()`},
   * {@code `CrashPolicy.retry(k)`}) is a public method: of the named class when one is named, else
   * of a type of the API (the builders, {@code Pool}, {@code AsyncResult}, ...).
   */
  @Test
  void everyCallThePagesNameExists() throws Exception {
    Set<String> apiMethods = new TreeSet<>();
    for (Class<?> type : apiTypes()) {
      for (Method method : type.getMethods()) {
        apiMethods.add(method.getName());
      }
    }
    List<String> unknown = new ArrayList<>();
    for (String page : List.of("docs/guarantees.md", "docs/worker-processes.md")) {
      Matcher call = CALL.matcher(read(page));
      while (call.find()) {
        String qualifier = call.group(1);
        String name = call.group(2);
        boolean exists;
        if (qualifier != null && Character.isUpperCase(qualifier.charAt(0))) {
          Class<?> type = typeNamed(qualifier);
          exists = type != null && Stream.of(type.getMethods()).anyMatch(m -> m.getName().equals(name));
        } else {
          exists = apiMethods.contains(name) || name.equals("readObject") || name.equals("readResolve");
        }
        if (!exists) {
          unknown.add(page + ": " + call.group());
        }
      }
    }
    assertEquals(List.of(), unknown, "calls named by the pages that no public method of the API matches");
  }

  private static List<Class<?>> apiTypes() throws Exception {
    List<Class<?>> types = new ArrayList<>();
    for (String[] packageAt : new String[][] {
        {"dev.parallelizable", "runtime/src/main/java/dev/parallelizable"},
        {"dev.parallelizable.cluster", "cluster/src/main/java/dev/parallelizable/cluster"}}) {
      for (String name : sourceTypes(packageAt[1])) {
        Class<?> type = Class.forName(packageAt[0] + "." + name);
        if (Modifier.isPublic(type.getModifiers())) {
          types.add(type);
          for (Class<?> nested : type.getDeclaredClasses()) {
            if (Modifier.isPublic(nested.getModifiers())) {
              types.add(nested);
            }
          }
        }
      }
    }
    return types;
  }

  /** A class of the API by its simple name ({@code CrashPolicy}), or of {@code java.lang}. */
  private static Class<?> typeNamed(String name) throws Exception {
    for (Class<?> type : apiTypes()) {
      if (type.getName().endsWith("." + name) || type.getName().endsWith("$" + name)) {
        return type;
      }
    }
    try {
      return Class.forName("java.lang." + name);
    } catch (ClassNotFoundException e) {
      return null;
    }
  }

  /** The names of the top-level types of a source folder, from its {@code .java} files. */
  private static List<String> sourceTypes(String folder) throws IOException {
    try (Stream<Path> files = Files.list(ROOT.resolve(folder))) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".java") && !n.equals("package-info.java") && !n.equals("module-info.java"))
          .map(n -> n.substring(0, n.length() - ".java".length()))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  @Test
  void architectureNamesEveryPublicTypeOfTheSpi() throws Exception {
    String page = read("docs/architecture.md");
    List<String> missing = new ArrayList<>();
    List<String> spi = sourceTypes("runtime/src/main/java/dev/parallelizable/spi");
    assertTrue(spi.contains("RemoteDispatcher"), "SPI types found: " + spi);
    for (String name : spi) {
      Class<?> type = Class.forName("dev.parallelizable.spi." + name);
      if (!Modifier.isPublic(type.getModifiers())) {
        continue;
      }
      if (!page.contains("`" + name + "`") && !page.contains("`" + name + "<")) { // generic types: `Name<W>`
        missing.add(name);
      }
      for (Class<?> nested : type.getDeclaredClasses()) {
        String nestedName = name + "." + nested.getSimpleName();
        if (Modifier.isPublic(nested.getModifiers()) && !page.contains("`" + nestedName + "`")) {
          missing.add(nestedName);
        }
      }
    }
    assertEquals(List.of(), missing, "public types of dev.parallelizable.spi that docs/architecture.md does not name");
  }

  @Test
  void theLoggingTableListsEveryLoggerAndOnlyThose() throws Exception {
    Set<String> constants = new TreeSet<>();
    collectLoggerNames(Class.forName("dev.parallelizable.internal.Loggers"), constants);
    collectLoggerNames(Class.forName("dev.parallelizable.cluster.Loggers"), constants);
    Set<String> documented = new TreeSet<>();
    Matcher row = LOGGER_ROW.matcher(section("docs/deploying.md", "## Logging"));
    while (row.find()) {
      documented.add(row.group(1));
    }
    assertEquals(constants, documented, "the loggers of the code (the Loggers classes) and of docs/deploying.md's Logging table");
    for (String name : constants) {
      assertFalse(name.contains(".internal"), "logger " + name + " names an internal package, which users cannot rely on");
    }
  }

  /**
   * A logger that a page or a javadoc names where it says what is logged (as in "logger
   * `dev.parallelizable.cache`") is one of the code's, or a parent of some, to configure them all.
   */
  @Test
  void everyLoggerThePagesAndJavadocsNameIsOneOfTheCode() throws Exception {
    Set<String> constants = new TreeSet<>();
    collectLoggerNames(Class.forName("dev.parallelizable.internal.Loggers"), constants);
    collectLoggerNames(Class.forName("dev.parallelizable.cluster.Loggers"), constants);
    List<Path> texts = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> pages = Files.list(ROOT.resolve("docs"))) {
      pages.filter(p -> p.toString().endsWith(".md")).sorted().forEach(texts::add);
    }
    for (String module : List.of("runtime", "cluster", "processor", "micrometer")) {
      try (Stream<Path> files = Files.walk(ROOT.resolve(module + "/src/main/java"))) {
        files.filter(p -> p.toString().endsWith(".java")).sorted().forEach(texts::add);
      }
    }
    Pattern named = Pattern.compile(
        "(?i)logger`?(?: named)? (?:`|\\{@code )(dev\\.parallelizable[\\w.]*)[`}]");
    List<String> unknown = new ArrayList<>();
    int mentions = 0;
    for (Path text : texts) {
      Matcher logger = named.matcher(Files.readString(text, StandardCharsets.UTF_8));
      while (logger.find()) {
        mentions++;
        String name = logger.group(1);
        if (constants.stream().noneMatch(c -> c.equals(name) || c.startsWith(name + "."))) {
          unknown.add(ROOT.relativize(text) + ": " + name);
        }
      }
    }
    assertTrue(mentions > 3, "logger names found in the pages and javadocs: " + mentions);
    assertEquals(List.of(), unknown, "loggers named in the pages or javadocs that the code does not log under");
  }

  private static void collectLoggerNames(Class<?> loggers, Set<String> names) throws IllegalAccessException {
    for (Field field : loggers.getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        field.setAccessible(true);
        names.add((String) field.get(null));
      }
    }
    assertFalse(names.isEmpty(), "no logger name in " + loggers);
  }

  /** Every logger of the main sources is created from a constant of a {@code Loggers} class. */
  @Test
  void everyLoggerIsCreatedFromTheLoggersConstants() throws IOException {
    List<String> strays = new ArrayList<>();
    int calls = 0;
    for (String module : List.of("runtime", "cluster", "processor")) {
      List<Path> sources;
      try (Stream<Path> files = Files.walk(ROOT.resolve(module + "/src/main/java"))) {
        sources = files.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList());
      }
      for (Path source : sources) {
        String text = Files.readString(source, StandardCharsets.UTF_8);
        Matcher call = Pattern.compile("getLogger\\(\\s*([^)]*)\\)").matcher(text);
        while (call.find()) {
          calls++;
          if (!call.group(1).matches("Loggers\\.[A-Z_]+")) {
            strays.add(ROOT.relativize(source) + ": " + call.group());
          }
        }
      }
    }
    assertTrue(calls > 0, "no getLogger call found in the sources");
    assertEquals(List.of(), strays, "loggers created from another name than a constant of Loggers");
  }

  /**
   * Every thread the library starts in the application's JVM is in the table of {@code
   * docs/guarantees.md}: each fixed part of a thread's name in the main sources (a statement that
   * names a thread with a literal beginning {@code parallelizable-}) appears in the table. The
   * worker JVM's own threads ({@code internal.process.child}) are not the application's.
   */
  @Test
  void theThreadTableNamesEveryThreadTheLibraryStarts() throws IOException {
    String table = section("docs/guarantees.md", "## Threads and shutdown hooks");
    Pattern naming = Pattern.compile(
        "(?:new Thread\\(|super\\(|daemonThreads\\(|(?i:thread_?name)\\s*=)[^;]*;");
    Pattern literal = Pattern.compile("\"([^\"\\\\]*)\"");
    Set<String> missing = new TreeSet<>();
    int names = 0;
    for (String module : List.of("runtime", "cluster")) {
      List<Path> sources;
      try (Stream<Path> files = Files.walk(ROOT.resolve(module + "/src/main/java"))) {
        sources = files.filter(p -> p.toString().endsWith(".java"))
            .filter(p -> !p.toString().contains("internal/process/child"))
            .collect(Collectors.toList());
      }
      for (Path source : sources) {
        Matcher statement = naming.matcher(Files.readString(source, StandardCharsets.UTF_8));
        while (statement.find()) {
          if (!statement.group().contains("\"parallelizable-")) {
            continue;
          }
          names++;
          Matcher part = literal.matcher(statement.group());
          while (part.find()) {
            String fixed = part.group(1).replaceAll("[^\\w]+$", "");
            if (!fixed.isEmpty() && !fixed.equals("parallelizable") && !table.contains(fixed)) {
              missing.add(ROOT.relativize(source) + ": " + fixed);
            }
          }
        }
      }
    }
    assertTrue(names >= 10, "thread names found: " + names);
    assertEquals(Set.of(), missing, "thread names the table of docs/guarantees.md does not give");
  }

  @Test
  void theIndexLinksEveryPageOfTheManual() throws IOException {
    String index = read("docs/index.md");
    List<String> unlinked = new ArrayList<>();
    try (Stream<Path> pages = Files.list(ROOT.resolve("docs"))) {
      pages.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".md") && !n.equals("index.md"))
          .sorted()
          .filter(n -> !index.contains("](" + n + ")"))
          .forEach(unlinked::add);
    }
    assertEquals(List.of(), unlinked, "pages of docs/ that docs/index.md does not link");
  }

  @Test
  void theReadmesLayoutNamesEveryModuleOfTheBuild() throws IOException {
    Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(read("pom.xml"));
    Set<String> modules = new TreeSet<>();
    while (module.find()) {
      modules.add(module.group(1).trim());
    }
    assertTrue(modules.contains("runtime"), "modules found: " + modules);
    // Folders that are not modules (bench/, docs/) belong to the layout too; hidden ones and build
    // output do not.
    try (Stream<Path> folders = Files.list(ROOT)) {
      folders.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith(".") && !n.equals("target"))
          .forEach(modules::add);
    }
    assertTrue(modules.contains("docs"), "folders found: " + modules);
    String layout = section("README.md", "## Layout");
    Set<String> missing = modules.stream()
        .filter(m -> !layout.contains("`" + m + "/`"))
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(Set.of(), missing, "modules of the root pom.xml (profiles included) and top-level folders missing from the README's Layout");
  }

  @Test
  void noJavadocPointsAtTheReadmeForWhatTheManualHolds() throws IOException {
    List<String> mentions = new ArrayList<>();
    for (String module : List.of("runtime", "cluster", "processor")) {
      try (Stream<Path> files = Files.walk(ROOT.resolve(module + "/src/main/java"))) {
        for (Path source : files.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList())) {
          if (Files.readString(source, StandardCharsets.UTF_8).contains("README")) {
            mentions.add(ROOT.relativize(source).toString());
          }
        }
      }
    }
    assertEquals(List.of(), mentions, "sources that refer to the README; name the page of docs/ instead");
  }

  /** The diagram in the comment above {@code WorkerSlot.State} shows every state of the enum. */
  @Test
  void theWorkerSlotDiagramShowsEveryState() throws IOException {
    String source = read("runtime/src/main/java/dev/parallelizable/internal/remote/WorkerSlot.java");
    Matcher states = Pattern.compile("enum State \\{([^}]*)\\}").matcher(source);
    assertTrue(states.find(), "no enum State in WorkerSlot.java");
    int diagramStart = source.lastIndexOf("<pre>", states.start());
    int diagramEnd = source.indexOf("</pre>", diagramStart);
    assertTrue(diagramStart >= 0 && diagramEnd < states.start(), "no <pre> diagram above enum State");
    String diagram = source.substring(diagramStart, diagramEnd);
    List<String> missing = new ArrayList<>();
    for (String state : states.group(1).split(",")) {
      String name = state.replaceAll("//.*", "").trim();
      if (!name.isEmpty() && !Pattern.compile("\\b" + name + "\\b").matcher(diagram).find()) {
        missing.add(name);
      }
    }
    assertEquals(List.of(), missing, "states of WorkerSlot.State missing from its diagram");
  }

  /**
   * Every class {@code docs/architecture.md} names in code font exists: a source of the build (or a
   * generated {@code ...Parallel} of one), a type parameter, or a class of the JDK. So the walk of
   * a map from the caller to a worker and back names only steps that are there.
   */
  @Test
  void everyClassTheArchitectureNamesExists() throws IOException {
    Set<String> sources;
    try (Stream<Path> files = Files.walk(ROOT)) {
      sources = files
          .filter(file -> file.toString().endsWith(".java") && !file.toString().contains("/target/"))
          .map(file -> file.getFileName().toString().replace(".java", ""))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    Matcher names = Pattern.compile("`([A-Z][A-Za-z0-9]*)(?:[.<(][^`]*)?`").matcher(read("docs/architecture.md"));
    Set<String> missing = new TreeSet<>();
    while (names.find()) {
      String name = names.group(1);
      boolean generated = name.endsWith("Parallel") && sources.contains(name.substring(0, name.length() - 8));
      if (!sources.contains(name) && !generated && name.length() > 1 && !isJdkClass(name)) {
        missing.add(name);
      }
    }
    assertTrue(sources.contains("RemoteEngine"), "sources found: " + sources.size());
    assertEquals(Set.of(), missing, "classes docs/architecture.md names that do not exist");
  }

  private static boolean isJdkClass(String name) {
    for (String pkg : List.of("java.lang.", "java.util.", "java.util.concurrent.", "java.io.", "java.nio.file.")) {
      try {
        Class.forName(pkg + name, false, ClassLoader.getPlatformClassLoader());
        return true;
      } catch (ClassNotFoundException e) {
        // not in this package
      }
    }
    return false;
  }
}

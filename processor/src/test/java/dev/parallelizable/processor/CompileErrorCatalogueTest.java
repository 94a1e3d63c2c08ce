package dev.parallelizable.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The catalogue of compile errors, {@code docs/compile-errors.md}, and the processor's {@code
 * Messages} agree: every tag of {@code Messages} is in the catalogue with each of its message
 * templates, verbatim (placeholders as {@code %s}), and the catalogue names no tag that {@code
 * Messages} does not report. The templates are read from {@code Messages}' source, where each is
 * the string literals given to {@code tagged(tag, template, ...)}.
 */
class CompileErrorCatalogueTest {
  private static final Path MESSAGES =
      Path.of("src/main/java/dev/parallelizable/processor/validation/Messages.java");
  private static final Path CATALOGUE = Path.of("../docs/compile-errors.md");

  private static final Pattern TAGGED =
      Pattern.compile("tagged\\(\\s*\"([A-Za-z]+)\",\\s*((?:\"(?:\\\\.|[^\"\\\\])*\"\\s*\\+?\\s*)+)");
  private static final Pattern LITERAL = Pattern.compile("\"((?:\\\\.|[^\"\\\\])*)\"");
  private static final Pattern TAG_IN_PAGE = Pattern.compile("\\[Parallelizable\\.([A-Za-z]+)\\]");

  @Test
  void everyTagOfMessagesIsInTheCatalogueWithItsTemplates() throws IOException {
    Map<String, List<String>> templates = templatesOfMessages();
    String page = Files.readString(CATALOGUE, StandardCharsets.UTF_8);

    List<String> missing = new ArrayList<>();
    templates.forEach(
        (tag, forTag) -> {
          for (String template : forTag) {
            String line = "[Parallelizable." + tag + "] " + template;
            if (!page.contains(line)) {
              missing.add(line);
            }
          }
        });
    assertEquals(
        List.of(),
        missing,
        "message templates of Messages.java missing from " + CATALOGUE
            + " (copy each, verbatim, into the tag's section)");
  }

  @Test
  void theCatalogueNamesOnlyTagsThatMessagesReports() throws IOException {
    Set<String> reported = templatesOfMessages().keySet();
    Set<String> named = new TreeSet<>();
    Matcher tag = TAG_IN_PAGE.matcher(Files.readString(CATALOGUE, StandardCharsets.UTF_8));
    while (tag.find()) {
      named.add(tag.group(1));
    }
    Set<String> unknown = new TreeSet<>(named);
    unknown.removeAll(reported);
    assertEquals(Set.of(), unknown, "tags in " + CATALOGUE + " that Messages.java never reports");
    assertEquals(reported, named, "tags of Messages.java and of " + CATALOGUE);
  }

  /** Tag to its templates, in source order, from the calls of {@code tagged} in Messages.java. */
  private static Map<String, List<String>> templatesOfMessages() throws IOException {
    String source = Files.readString(MESSAGES, StandardCharsets.UTF_8);
    Map<String, List<String>> templates = new TreeMap<>();
    Matcher call = TAGGED.matcher(source);
    while (call.find()) {
      StringBuilder template = new StringBuilder();
      Matcher literal = LITERAL.matcher(call.group(2));
      while (literal.find()) {
        template.append(literal.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
      }
      templates.computeIfAbsent(call.group(1), tag -> new ArrayList<>()).add(template.toString());
    }
    assertFalse(templates.isEmpty(), "no call of tagged(tag, template, ...) found in " + MESSAGES);
    assertTrue(templates.containsKey("private"), "the parser of " + MESSAGES + " missed a tag");
    return templates;
  }
}

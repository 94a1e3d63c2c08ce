package dev.parallelizable.samples.pdftext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.samples.Captured;
import dev.parallelizable.samples.Isolation;
import dev.parallelizable.samples.Main;
import dev.parallelizable.samples.cli.FileBatchCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Runs {@code pdf-text} as a user does and compares the text with what was written into the PDFs. */
class PdfTextCommandTest {
  private final Captured out = new Captured();
  private final Captured err = new Captured();

  private int pdfText(String... args) {
    String[] line = Stream.concat(Stream.of("pdf-text"), Stream.of(args)).toArray(String[]::new);
    return Main.run(line, out.stream(), err.stream());
  }

  @ParameterizedTest
  @EnumSource(Isolation.class)
  @Timeout(120)
  void withoutInputItGeneratesSamplePdfsAndExtractsTheirText(Isolation isolation, @TempDir Path dir)
      throws IOException {
    Path output = dir.resolve("text");

    int exitCode = pdfText("--out", output.toString(), "--samples", "5", "--workers", "2",
        "--isolation", isolation.toString());

    assertEquals(0, exitCode, err.text());
    assertTrue(out.text().contains(
        "No --in given: wrote 5 sample PDFs to " + dir.resolve("text-input")), out.text());
    assertTrue(out.text().contains("5 PDFs, 0 failed"), out.text());
    for (int index = 0; index < 5; index++) {
      assertTextOf(index, FileBatchCommand.SAMPLE_SEED, output);
    }
  }

  @ParameterizedTest
  @EnumSource(Isolation.class)
  @Timeout(120)
  void aCorruptPdfIsReportedByNameAndTheOthersAreWritten(Isolation isolation, @TempDir Path dir)
      throws IOException {
    Path input = Files.createDirectories(dir.resolve("in"));
    for (int index = 0; index < 3; index++) {
      SamplePdfs.write(input, index, 11);
    }
    Files.write(input.resolve("x.pdf"), "%PDF-1.7 and then garbage".getBytes(StandardCharsets.UTF_8));
    Path output = dir.resolve("out");

    int exitCode = pdfText("--in", input.toString(), "--out", output.toString(),
        "--isolation", isolation.toString());

    assertEquals(1, exitCode, err.text());
    assertTrue(err.text().contains("failed: x.pdf: java.io.IOException: "), err.text());
    assertTrue(out.text().contains("4 PDFs, 1 failed"), out.text());
    assertFalse(Files.exists(output.resolve("x.txt")));
    for (int index = 0; index < 3; index++) {
      assertTextOf(index, 11, output);
    }
  }

  /** The extracted text has the lines written into the sample, in order, and nothing else. */
  private static void assertTextOf(int index, long seed, Path output) throws IOException {
    String name = SamplePdfs.fileName(index).replace(".pdf", ".txt");
    List<String> written =
        SamplePdfs.pages(index, seed).stream().flatMap(Collection::stream).toList();
    List<String> extracted =
        Files.readAllLines(output.resolve(name)).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
    assertEquals(written, extracted, name);
  }
}

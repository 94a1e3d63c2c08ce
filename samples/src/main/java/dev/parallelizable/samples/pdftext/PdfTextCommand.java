package dev.parallelizable.samples.pdftext;

import dev.parallelizable.Task;
import dev.parallelizable.samples.cli.FileBatchCommand;
import dev.parallelizable.samples.pdftext.PdfText.Extracted;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code pdf-text}: the text of every PDF of a folder, one task per PDF. */
@Command(
    name = "pdf-text",
    mixinStandardHelpOptions = true,
    description = {
      "Writes the text of every PDF in --in to --out/NAME.txt, in UTF-8.",
      "A file that cannot be read is reported by name and the others are still written; the exit"
          + " code is then 1."
    })
public final class PdfTextCommand extends FileBatchCommand<Extracted> {
  public PdfTextCommand(PrintStream stdout, PrintStream stderr) {
    super(stdout, stderr);
  }

  @Override
  protected String noun() {
    return "PDFs";
  }

  @Override
  protected List<String> extensions() {
    return List.of("pdf");
  }

  @Override
  protected Task<String> writeSample(Path folder, int index, long seed) {
    return SamplePdfsParallel.write(folder, index, seed);
  }

  @Override
  protected Task<Extracted> process(Path file, Path outputFolder) {
    return PdfTextParallel.extract(file, outputFolder);
  }

  @Override
  protected String describe(List<Extracted> texts) {
    return String.format("%d text files, %,d pages, %,d characters", texts.size(),
        texts.stream().mapToInt(Extracted::pages).sum(),
        texts.stream().mapToLong(Extracted::characters).sum());
  }
}

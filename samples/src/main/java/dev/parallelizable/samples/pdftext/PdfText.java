package dev.parallelizable.samples.pdftext;

import dev.parallelizable.Parallelizable;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;

/** Extracts the text of one PDF: the task that {@code pdf-text} runs once per file. */
public final class PdfText {
  static {
    PdfBoxLogging.quietFonts();
  }

  private PdfText() {}

  /** What was written for one PDF. */
  public record Extracted(String source, String output, int pages, int characters)
      implements Serializable {}

  /**
   * Writes the text of {@code pdf} to {@code outputFolder/NAME.txt} (NAME: the PDF's name without
   * {@code .pdf}), in UTF-8, in reading order as PDFBox finds it.
   *
   * @throws IOException if the file is not a PDF PDFBox can read (damaged, or encrypted with a
   *     password), or the text cannot be written
   */
  @Parallelizable
  public static Extracted extract(Path pdf, Path outputFolder) throws IOException {
    try (PDDocument document = Loader.loadPDF(pdf.toFile())) {
      String text = new PDFTextStripper().getText(document);
      Path output = outputFolder.resolve(textFileName(pdf));
      Files.writeString(output, text);
      return new Extracted(pdf.getFileName().toString(), output.toString(),
          document.getNumberOfPages(), text.length());
    }
  }

  /** {@code report.pdf} to {@code report.txt}. */
  public static String textFileName(Path pdf) {
    String name = pdf.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return (dot < 0 ? name : name.substring(0, dot)) + ".txt";
  }
}

package dev.parallelizable.samples.pdftext;

import dev.parallelizable.Parallelizable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * Reproducible sample PDFs of known text: sample {@code i} of seed {@code s} has the pages of
 * {@link #pages(int, long)}, one line of text per line of the page, in Helvetica.
 */
public final class SamplePdfs {
  private static final String[] WORDS = (
      "pool worker process thread task chunk result future queue map batch file page text image"
          + " parallel sequential start join shutdown terminate cube sleep seconds finished program"
          + " tutorial python java annotation processor generated method argument timeout crash")
      .split(" ");
  private static final int LINES_PER_PAGE = 40;

  static {
    PdfBoxLogging.quietFonts();
  }

  private SamplePdfs() {}

  /** The file name of sample {@code index}: {@code sample-007.pdf}. */
  public static String fileName(int index) {
    return String.format("sample-%03d.pdf", index);
  }

  /** The text of sample {@code index}: one to four pages of up to 40 lines of words each. */
  public static List<List<String>> pages(int index, long seed) {
    Random random = new Random(seed * 1_000_003L + index);
    int pageCount = 1 + random.nextInt(4);
    List<List<String>> pages = new ArrayList<>();
    for (int page = 0; page < pageCount; page++) {
      List<String> lines = new ArrayList<>();
      if (page == 0) {
        lines.add(String.format("Sample document %d of seed %d", index, seed));
      }
      int lineCount = 10 + random.nextInt(LINES_PER_PAGE - 10);
      while (lines.size() < lineCount) {
        StringBuilder line = new StringBuilder();
        int words = 4 + random.nextInt(9);
        for (int word = 0; word < words; word++) {
          line.append(word == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        lines.add(line.toString());
      }
      pages.add(List.copyOf(lines));
    }
    return pages;
  }

  /**
   * Writes sample {@code index} into {@code folder}.
   *
   * @return its file name
   */
  @Parallelizable
  public static String write(Path folder, int index, long seed) throws IOException {
    PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
    try (PDDocument document = new PDDocument()) {
      for (List<String> lines : pages(index, seed)) {
        PDPage page = new PDPage(PDRectangle.A4);
        document.addPage(page);
        try (PDPageContentStream content = new PDPageContentStream(document, page)) {
          content.beginText();
          content.setFont(font, 11);
          content.setLeading(18);
          content.newLineAtOffset(56, PDRectangle.A4.getHeight() - 64);
          for (String line : lines) {
            content.showText(line);
            content.newLine();
          }
          content.endText();
        }
      }
      String name = fileName(index);
      document.save(folder.resolve(name).toFile());
      return name;
    }
  }
}

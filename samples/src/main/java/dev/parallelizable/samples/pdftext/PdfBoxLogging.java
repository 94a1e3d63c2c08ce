package dev.parallelizable.samples.pdftext;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Quiets PDFBox's font chatter. On a machine without Helvetica installed PDFBox logs a warning for
 * every standard font it loads ("Using fallback font ... for Helvetica") and an INFO line while it
 * builds its font cache; neither changes the text extracted. Other PDFBox warnings, such as those
 * about damaged files, still show.
 */
final class PdfBoxLogging {
  // Held so that the level set here is not lost when the logger is garbage collected.
  private static final Logger FONTS = Logger.getLogger("org.apache.pdfbox.pdmodel.font");

  private PdfBoxLogging() {}

  /** Sets the levels; idempotent. */
  static void quietFonts() {
    FONTS.setLevel(Level.SEVERE);
  }
}

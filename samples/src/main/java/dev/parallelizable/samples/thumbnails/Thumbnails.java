package dev.parallelizable.samples.thumbnails;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import dev.parallelizable.Parallelizable;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.geom.AffineTransform;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Makes the thumbnail of one image: the task that {@code thumbnails} runs once per file. */
public final class Thumbnails {
  /** The extensions read, lower case: what the JDK's ImageIO reads and writes. */
  public static final List<String> EXTENSIONS = List.of("jpg", "jpeg", "png", "gif", "bmp");

  private Thumbnails() {}

  /**
   * What was written for one image. The sizes are as the image is shown: a photo whose EXIF
   * orientation turns it a quarter has its stored width and height swapped.
   */
  public record Thumbnail(String source, String output, int sourceWidth, int sourceHeight,
      int width, int height) implements Serializable {}

  /**
   * Writes a copy of {@code source} into {@code outputFolder}, under the same name and in the same
   * format, scaled so that its longest side is {@code size} pixels, keeping its aspect ratio. An
   * image already that small is copied at its own size: thumbnails never enlarge. A JPEG's EXIF
   * orientation (as cameras and phones write it) is applied, so that the thumbnail is upright
   * without it; an orientation that is missing or cannot be read leaves the pixels as stored.
   *
   * @throws IOException if the file cannot be read as an image or the thumbnail cannot be written
   */
  @Parallelizable
  public static Thumbnail thumbnail(Path source, Path outputFolder, int size) throws IOException {
    if (size < 1) {
      throw new IllegalArgumentException("thumbnail size must be at least 1 pixel, got " + size);
    }
    try (ImageInputStream input = ImageIO.createImageInputStream(source.toFile())) {
      Iterator<ImageReader> readers = input == null ? null : ImageIO.getImageReaders(input);
      if (readers == null || !readers.hasNext()) {
        throw new IOException("no ImageIO reader recognizes the content of " + source.getFileName());
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(input, true, true);
        int orientation = formatOf(source).equals("jpeg") ? exifOrientation(source) : 1;
        return thumbnail(source, reader, orientation, outputFolder, size);
      } finally {
        reader.dispose();
      }
    }
  }

  private static Thumbnail thumbnail(
      Path source, ImageReader reader, int orientation, Path outputFolder, int size)
      throws IOException {
    boolean quarterTurn = orientation >= 5;
    int storedWidth = reader.getWidth(0);
    int storedHeight = reader.getHeight(0);
    int sourceWidth = quarterTurn ? storedHeight : storedWidth;
    int sourceHeight = quarterTurn ? storedWidth : storedHeight;
    int longest = Math.max(sourceWidth, sourceHeight);
    // Decoding every pixel of a large image allocates tens of megabytes only to throw most away;
    // decode every n-th pixel instead, keeping at least twice the thumbnail's size to scale from.
    int step = Math.max(1, longest / (2 * size));
    ImageReadParam subsampling = reader.getDefaultReadParam();
    subsampling.setSourceSubsampling(step, step, 0, 0);
    BufferedImage image = upright(reader.read(0, subsampling), orientation);
    double scale = Math.min(1.0, size / (double) longest);
    int width = Math.max(1, (int) Math.round(sourceWidth * scale));
    int height = Math.max(1, (int) Math.round(sourceHeight * scale));
    String format = formatOf(source);
    // JPEG and BMP writers refuse an alpha channel; PNG and GIF keep transparency.
    boolean alpha = image.getColorModel().hasAlpha() && (format.equals("png") || format.equals("gif"));
    BufferedImage thumbnail = scale(image, width, height, alpha);
    Path output = outputFolder.resolve(source.getFileName());
    if (!ImageIO.write(thumbnail, format, output.toFile())) {
      throw new IOException("no ImageIO writer for format " + format);
    }
    return new Thumbnail(source.getFileName().toString(), output.toString(),
        sourceWidth, sourceHeight, width, height);
  }

  /**
   * The EXIF orientation of a JPEG (1 to 8, TIFF tag 274), or 1 (as stored) when it has none or it
   * cannot be read: a broken tag must not cost the thumbnail.
   */
  static int exifOrientation(Path jpeg) {
    try (ImageInputStream input = ImageIO.createImageInputStream(jpeg.toFile())) {
      if (input == null) {
        return 1;
      }
      for (JPEGSegment segment : JPEGSegmentUtil.readSegments(input, JPEG.APP1, "Exif")) {
        try (InputStream data = segment.data()) {
          // After the identifier "Exif\0" comes one pad byte, then a TIFF structure.
          if (data.read() < 0) {
            continue;
          }
          Directory directory = new TIFFReader().read(ImageIO.createImageInputStream(data));
          Entry entry = directory.getEntryById(TIFF.TAG_ORIENTATION);
          if (entry != null && entry.getValue() instanceof Number number) {
            int orientation = number.intValue();
            return orientation >= 1 && orientation <= 8 ? orientation : 1;
          }
        }
      }
      return 1;
    } catch (IOException | RuntimeException e) {
      return 1;
    }
  }

  /**
   * The image turned and mirrored as EXIF orientation {@code orientation} says it is shown: 2
   * mirrored left to right, 3 turned a half, 4 mirrored top to bottom, 5 mirrored along the
   * diagonal, 6 turned a quarter clockwise, 7 mirrored along the other diagonal, 8 turned a quarter
   * counterclockwise.
   */
  static BufferedImage upright(BufferedImage image, int orientation) {
    if (orientation <= 1 || orientation > 8) {
      return image;
    }
    int width = image.getWidth();
    int height = image.getHeight();
    AffineTransform transform = new AffineTransform();
    switch (orientation) {
      case 2 -> transform.setTransform(-1, 0, 0, 1, width, 0);
      case 3 -> transform.setTransform(-1, 0, 0, -1, width, height);
      case 4 -> transform.setTransform(1, 0, 0, -1, 0, height);
      case 5 -> transform.setTransform(0, 1, 1, 0, 0, 0);
      case 6 -> transform.setTransform(0, 1, -1, 0, height, 0);
      case 7 -> transform.setTransform(0, -1, -1, 0, height, width);
      default -> transform.setTransform(0, -1, 1, 0, 0, width); // 8
    }
    boolean quarterTurn = orientation >= 5;
    BufferedImage turned = new BufferedImage(
        quarterTurn ? height : width,
        quarterTurn ? width : height,
        image.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    Graphics2D graphics = turned.createGraphics();
    try {
      graphics.drawImage(image, transform, null);
    } finally {
      graphics.dispose();
    }
    return turned;
  }

  /** The ImageIO format name for a file's extension. */
  static String formatOf(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    String extension = name.substring(name.lastIndexOf('.') + 1);
    return extension.equals("jpg") ? "jpeg" : extension;
  }

  /**
   * Scales down by halving, then a last step to the exact size: one bilinear step from a large
   * image to a small one skips most pixels and looks jagged; halving averages them all.
   */
  private static BufferedImage scale(BufferedImage image, int width, int height, boolean alpha) {
    BufferedImage current = image;
    do {
      int stepWidth = Math.max(width, current.getWidth() / 2);
      int stepHeight = Math.max(height, current.getHeight() / 2);
      BufferedImage next = new BufferedImage(stepWidth, stepHeight,
          alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
      Graphics2D graphics = next.createGraphics();
      try {
        graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
            RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        graphics.drawImage(current, 0, 0, stepWidth, stepHeight, null);
      } finally {
        graphics.dispose();
      }
      current = next;
    } while (current.getWidth() != width || current.getHeight() != height);
    return current;
  }
}

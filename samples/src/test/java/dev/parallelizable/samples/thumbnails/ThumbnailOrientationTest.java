package dev.parallelizable.samples.thumbnails;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A phone photo's EXIF orientation is applied, so that its thumbnail is upright. */
class ThumbnailOrientationTest {
  private static final int WIDTH = 80;
  private static final int HEIGHT = 40;

  /**
   * A landscape JPEG as stored by a camera held some way: its left half red, its right half blue,
   * with an APP1 "Exif" segment whose only tag is the orientation (or no segment for 0).
   */
  private static Path photo(Path dir, int orientation) throws IOException {
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D graphics = image.createGraphics();
    graphics.setColor(Color.RED);
    graphics.fillRect(0, 0, WIDTH / 2, HEIGHT);
    graphics.setColor(Color.BLUE);
    graphics.fillRect(WIDTH / 2, 0, WIDTH / 2, HEIGHT);
    graphics.dispose();
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    ImageIO.write(image, "jpeg", jpeg);
    byte[] plain = jpeg.toByteArray();
    Path file = dir.resolve("photo-" + orientation + ".jpg");
    if (orientation == 0) {
      Files.write(file, plain);
      return file;
    }
    // TIFF, big-endian: header, one IFD with one SHORT entry, no next IFD.
    ByteBuffer tiff = ByteBuffer.allocate(26);
    tiff.put(new byte[] {'M', 'M', 0, 42}).putInt(8).putShort((short) 1);
    tiff.putShort((short) 274).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
    tiff.putInt(0);
    byte[] identifier = {'E', 'x', 'i', 'f', 0, 0};
    int length = 2 + identifier.length + tiff.capacity();
    ByteArrayOutputStream withExif = new ByteArrayOutputStream();
    withExif.write(plain, 0, 2); // SOI
    withExif.write(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (length >> 8), (byte) length});
    withExif.write(identifier);
    withExif.write(tiff.array());
    withExif.write(plain, 2, plain.length - 2);
    Files.write(file, withExif.toByteArray());
    return file;
  }

  private static boolean reddish(int rgb) {
    Color color = new Color(rgb);
    return color.getRed() > 150 && color.getBlue() < 100;
  }

  private static boolean bluish(int rgb) {
    Color color = new Color(rgb);
    return color.getBlue() > 150 && color.getRed() < 100;
  }

  @Test
  void aPhotoTurnedAQuarterClockwiseComesOutPortraitWithItsLeftEdgeOnTop(@TempDir Path dir)
      throws IOException {
    Path out = Files.createDirectory(dir.resolve("out"));
    Thumbnails.Thumbnail thumbnail = Thumbnails.thumbnail(photo(dir, 6), out, 40);

    assertEquals(HEIGHT, thumbnail.sourceWidth());
    assertEquals(WIDTH, thumbnail.sourceHeight());
    BufferedImage written = ImageIO.read(Path.of(thumbnail.output()).toFile());
    assertEquals(20, written.getWidth());
    assertEquals(40, written.getHeight());
    assertTrue(reddish(written.getRGB(10, 5)), "the stored left half is on top");
    assertTrue(bluish(written.getRGB(10, 34)), "the stored right half is at the bottom");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  void everyOrientationPutsTheStoredLeftEdgeWhereAViewerShowsIt(int orientation, @TempDir Path dir)
      throws IOException {
    Path out = Files.createDirectory(dir.resolve("out"));
    Thumbnails.Thumbnail thumbnail = Thumbnails.thumbnail(photo(dir, orientation), out, 80);
    BufferedImage written = ImageIO.read(Path.of(thumbnail.output()).toFile());

    boolean quarterTurn = orientation >= 5;
    assertEquals(quarterTurn ? HEIGHT : WIDTH, written.getWidth());
    assertEquals(quarterTurn ? WIDTH : HEIGHT, written.getHeight());
    int w = written.getWidth();
    int h = written.getHeight();
    // Where the stored left (red) half is shown, per the EXIF specification's table.
    int redX;
    int redY;
    switch (orientation) {
      case 1, 4 -> { redX = 5; redY = h / 2; }       // left
      case 2, 3 -> { redX = w - 6; redY = h / 2; }   // right
      case 5, 6 -> { redX = w / 2; redY = 5; }       // top
      default -> { redX = w / 2; redY = h - 6; }     // 7, 8: bottom
    }
    assertTrue(reddish(written.getRGB(redX, redY)), "orientation " + orientation + ": red at " + redX + "," + redY);
    assertTrue(bluish(written.getRGB(w - 1 - redX, h - 1 - redY)), "orientation " + orientation + ": blue opposite");
  }

  @Test
  void aJpegWithoutExifOrWithABrokenOrientationIsLeftAsStored(@TempDir Path dir) throws IOException {
    assertEquals(1, Thumbnails.exifOrientation(photo(dir, 0)));
    assertEquals(1, Thumbnails.exifOrientation(photo(dir, 9)), "out of range");
    Path truncated = dir.resolve("truncated.jpg");
    byte[] whole = Files.readAllBytes(photo(dir, 6));
    Files.write(truncated, java.util.Arrays.copyOf(whole, 20));
    assertEquals(1, Thumbnails.exifOrientation(truncated));
    assertEquals(6, Thumbnails.exifOrientation(photo(dir, 6)));
  }
}

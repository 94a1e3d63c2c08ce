package dev.parallelizable.samples.thumbnails;

import dev.parallelizable.Parallelizable;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Reproducible test images: random shapes on a gradient, of random sizes, in each format
 * {@code thumbnails} reads. Image {@code i} of seed {@code s} is the same on every run and
 * machine, whichever worker draws it.
 */
public final class SampleImages {
  private static final List<String> FORMATS = List.of("jpg", "png", "gif", "bmp");

  private SampleImages() {}

  /** The file name of sample image {@code index}: {@code sample-007.bmp}. */
  public static String fileName(int index) {
    return String.format("sample-%03d.%s", index, FORMATS.get(index % FORMATS.size()));
  }

  /**
   * Draws sample image {@code index} (between 200 and 2,400 pixels a side) into {@code folder}.
   *
   * @return its file name
   */
  @Parallelizable
  public static String write(Path folder, int index, long seed) throws IOException {
    Random random = new Random(seed * 1_000_003L + index);
    int width = 200 + random.nextInt(2201);
    int height = 200 + random.nextInt(2201);
    String name = fileName(index);
    boolean alpha = name.endsWith(".png") || name.endsWith(".gif");
    BufferedImage image = new BufferedImage(width, height,
        alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    Graphics2D graphics = image.createGraphics();
    try {
      graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      graphics.setPaint(new GradientPaint(0, 0, color(random, 255), width, height, color(random, 255)));
      graphics.fillRect(0, 0, width, height);
      for (int shape = 0; shape < 25; shape++) {
        graphics.setColor(color(random, alpha ? 64 + random.nextInt(192) : 255));
        int x = random.nextInt(width);
        int y = random.nextInt(height);
        int w = 10 + random.nextInt(width / 2);
        int h = 10 + random.nextInt(height / 2);
        switch (random.nextInt(3)) {
          case 0 -> graphics.fillOval(x - w / 2, y - h / 2, w, h);
          case 1 -> graphics.fillRect(x - w / 2, y - h / 2, w, h);
          default -> {
            graphics.setStroke(new BasicStroke(1 + random.nextInt(12)));
            graphics.drawLine(x, y, random.nextInt(width), random.nextInt(height));
          }
        }
      }
    } finally {
      graphics.dispose();
    }
    String format = Thumbnails.formatOf(Path.of(name));
    if (!ImageIO.write(image, format, folder.resolve(name).toFile())) {
      throw new IOException("no ImageIO writer for format " + format);
    }
    return name;
  }

  private static Color color(Random random, int alpha) {
    return new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256), alpha);
  }
}

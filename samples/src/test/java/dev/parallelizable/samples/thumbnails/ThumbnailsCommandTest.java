package dev.parallelizable.samples.thumbnails;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.samples.Captured;
import dev.parallelizable.samples.Isolation;
import dev.parallelizable.samples.Main;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Runs {@code thumbnails} as a user does and checks the images it writes. */
class ThumbnailsCommandTest {
  private final Captured out = new Captured();
  private final Captured err = new Captured();

  private int thumbnails(String... args) {
    String[] line = Stream.concat(Stream.of("thumbnails"), Stream.of(args)).toArray(String[]::new);
    return Main.run(line, out.stream(), err.stream());
  }

  @ParameterizedTest
  @EnumSource(Isolation.class)
  @Timeout(120)
  void withoutInputItGeneratesSampleImagesAndThumbnailsEachOne(Isolation isolation, @TempDir Path dir)
      throws IOException {
    Path output = dir.resolve("thumbs");

    int exitCode = thumbnails("--out", output.toString(), "--samples", "6", "--size", "64",
        "--workers", "2", "--isolation", isolation.toString());

    assertEquals(0, exitCode, err.text());
    Path input = dir.resolve("thumbs-input");
    assertTrue(out.text().contains("No --in given: wrote 6 sample images to " + input), out.text());
    assertTrue(out.text().contains("6 images, 0 failed"), out.text());
    List<Path> sources = files(input);
    assertEquals(6, sources.size(), sources.toString());
    for (Path source : sources) {
      assertThumbnail(source, output.resolve(source.getFileName()), 64);
    }
  }

  @ParameterizedTest
  @EnumSource(Isolation.class)
  @Timeout(120)
  void aCorruptImageIsReportedByNameAndTheOthersAreWritten(Isolation isolation, @TempDir Path dir)
      throws IOException {
    Path input = Files.createDirectories(dir.resolve("in"));
    for (int index = 0; index < 4; index++) {
      SampleImages.write(input, index, 7);
    }
    Files.write(input.resolve("x.png"), "these bytes are not an image".getBytes(StandardCharsets.UTF_8));
    Path output = dir.resolve("out");

    int exitCode = thumbnails("--in", input.toString(), "--out", output.toString(),
        "--isolation", isolation.toString());

    assertEquals(1, exitCode, err.text());
    assertTrue(err.text().contains("failed: x.png: java.io.IOException: no ImageIO reader recognizes"
        + " the content of x.png"), err.text());
    assertTrue(out.text().contains("5 images, 1 failed"), out.text());
    assertFalse(Files.exists(output.resolve("x.png")));
    for (int index = 0; index < 4; index++) {
      String name = SampleImages.fileName(index);
      assertThumbnail(input.resolve(name), output.resolve(name), 128);
    }
  }

  @Test
  @Timeout(60)
  void progressDrawsABarThatEndsAtTheTotal(@TempDir Path dir) throws IOException {
    Path input = Files.createDirectories(dir.resolve("in"));
    for (int index = 0; index < 3; index++) {
      SampleImages.write(input, index, 7);
    }

    int exitCode = thumbnails("--in", input.toString(), "--out", dir.resolve("out").toString(),
        "--isolation", "threads", "--progress");

    assertEquals(0, exitCode, err.text());
    assertTrue(err.text().contains("\r[##############################] 3/3 images"), err.text());
  }

  @Test
  @Timeout(30)
  void aSizeBelowOneIsABadArgument(@TempDir Path dir) {
    int exitCode = thumbnails("--out", dir.toString(), "--size", "0");

    assertEquals(2, exitCode);
    assertTrue(err.text().startsWith("--size must be at least 1, got 0"), err.text());
    assertTrue(err.text().contains("Usage: parallelizable-samples thumbnails"), err.text());
  }

  @Test
  void jpegsAreReadByTheTwelveMonkeysPluginThatHandlesCmykAndYcck() {
    // ImageIO picks the first registered reader; the plugin registers itself ahead of the JDK's.
    String reader = ImageIO.getImageReadersByFormatName("jpeg").next().getClass().getName();

    assertTrue(reader.startsWith("com.twelvemonkeys.imageio.plugins.jpeg."), reader);
  }

  /** The thumbnail has the source's format, a longest side of {@code size} and its aspect ratio. */
  static void assertThumbnail(Path source, Path thumbnail, int size) throws IOException {
    BufferedImage original = ImageIO.read(source.toFile());
    BufferedImage small = ImageIO.read(thumbnail.toFile());
    assertNotNull(small, thumbnail + " is not a readable image");
    int longest = Math.max(original.getWidth(), original.getHeight());
    int expectedWidth = (int) Math.round(original.getWidth() * (double) size / longest);
    int expectedHeight = (int) Math.round(original.getHeight() * (double) size / longest);
    assertEquals(List.of(expectedWidth, expectedHeight), List.of(small.getWidth(), small.getHeight()),
        thumbnail + " of " + original.getWidth() + "x" + original.getHeight());
  }

  private static List<Path> files(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.sorted().toList();
    }
  }
}

package dev.parallelizable.samples.thumbnails;

import dev.parallelizable.Task;
import dev.parallelizable.samples.cli.FileBatchCommand;
import dev.parallelizable.samples.thumbnails.Thumbnails.Thumbnail;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code thumbnails}: every image of a folder to a thumbnail, one task per image. */
@Command(
    name = "thumbnails",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a thumbnail of every image (jpg, png, gif, bmp) in --in to --out: same name and"
          + " format, longest side --size pixels, aspect ratio kept.",
      "A file that cannot be read is reported by name and the others are still written; the exit"
          + " code is then 1."
    })
public final class ThumbnailsCommand extends FileBatchCommand<Thumbnail> {
  @Option(names = "--size", paramLabel = "N",
      description = "Longest side of a thumbnail, in pixels (default: ${DEFAULT-VALUE}).")
  int size = 128;

  public ThumbnailsCommand(PrintStream stdout, PrintStream stderr) {
    super(stdout, stderr);
  }

  @Override
  protected void requireValidOptions() {
    super.requireValidOptions();
    if (size < 1) {
      throw invalid("--size must be at least 1, got " + size);
    }
  }

  @Override
  protected String noun() {
    return "images";
  }

  @Override
  protected List<String> extensions() {
    return Thumbnails.EXTENSIONS;
  }

  @Override
  protected Task<String> writeSample(Path folder, int index, long seed) {
    return SampleImagesParallel.write(folder, index, seed);
  }

  @Override
  protected Task<Thumbnail> process(Path file, Path outputFolder) {
    return ThumbnailsParallel.thumbnail(file, outputFolder, size);
  }

  @Override
  protected String describe(List<Thumbnail> thumbnails) {
    return thumbnails.size() + " thumbnails of at most " + size + " pixels a side";
  }
}

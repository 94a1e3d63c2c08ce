package dev.parallelizable.samples.cli;

import dev.parallelizable.Outcome;
import dev.parallelizable.ParallelException;
import dev.parallelizable.Pool;
import dev.parallelizable.RemoteException;
import dev.parallelizable.Task;
import dev.parallelizable.samples.Isolation;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that turns every file of a folder into an output file, one task per file, on a pool
 * of threads or processes: the shape of {@code thumbnails} and {@code pdf-text}. Without {@code
 * --in} it first writes reproducible sample inputs, beside the output folder.
 *
 * <p>Exit codes: 0 when every file succeeded, 1 when some failed (each is named on standard error
 * with its reason; the others are still written), 2 for a bad argument, among them an {@code --in}
 * folder that holds no file this command reads.
 *
 * @param <R> what the task of one file returns
 */
public abstract class FileBatchCommand<R> implements Callable<Integer> {
  /** The seed of the sample inputs, so that every run writes the same ones. */
  public static final long SAMPLE_SEED = 20240501L;

  @Option(names = "--in", paramLabel = "DIR",
      description = "Folder to read. Without it, sample inputs are generated first, in a folder beside --out.")
  Path in;

  @Option(names = "--out", paramLabel = "DIR", required = true,
      description = "Folder to write; created if missing.")
  Path out;

  @Option(names = "--workers", paramLabel = "N",
      description = "Number of workers (default: one per processor, ${DEFAULT-VALUE} here).")
  int workers = Runtime.getRuntime().availableProcessors();

  @Option(names = "--isolation", paramLabel = "KIND",
      description = "threads or processes (default: ${DEFAULT-VALUE}).")
  Isolation isolation = Isolation.PROCESSES;

  @Option(names = "--progress",
      description = "Draw a progress bar on standard error even when it is not a terminal.")
  boolean progress;

  @Option(names = "--samples", paramLabel = "N",
      description = "How many sample inputs to generate when --in is not given (default: ${DEFAULT-VALUE}).")
  int samples = 40;

  @Spec CommandSpec spec;

  private final PrintStream stdout;
  private final PrintStream stderr;

  protected FileBatchCommand(PrintStream stdout, PrintStream stderr) {
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** What the inputs are, plural, for messages: {@code "images"}. */
  protected abstract String noun();

  /** The file name extensions this command reads, lower case, without the dot. */
  protected abstract List<String> extensions();

  /** The task that writes sample input number {@code index} into {@code folder}. */
  protected abstract Task<String> writeSample(Path folder, int index, long seed);

  /** The task that processes one input file into {@code outputFolder}. */
  protected abstract Task<R> process(Path file, Path outputFolder);

  /** One line about what the successful tasks produced, e.g. {@code "117 pages, 40,312 characters"}. */
  protected abstract String describe(List<R> results);

  @Override
  public Integer call() throws IOException {
    requireValidOptions();
    Files.createDirectories(out);
    try (Pool pool = isolation.pool(workers)) {
      Path folder = in != null ? in : generateSamples(pool);
      List<Path> files = inputs(folder);
      stdout.printf("%d %s in %s -> %s, on %d %s%n",
          files.size(), noun(), folder, out, workers, isolation);
      ProgressBar bar = ProgressBar.wanted(progress) ? new ProgressBar(stderr, files.size(), noun()) : null;
      if (bar != null) {
        pool.addProgressListener(bar);
      }
      long start = System.nanoTime();
      // Keeps going past a corrupt file: each file's outcome is its result or its failure. One file
      // per chunk, so that the progress bar moves file by file.
      List<Outcome<R>> outcomes = pool.mapOutcomes(file -> process(file, out), files, 1);
      double seconds = (System.nanoTime() - start) / 1e9;
      List<R> results = new ArrayList<>(files.size());
      int failed = 0;
      for (Outcome<R> outcome : outcomes) {
        if (outcome.isSuccess()) {
          results.add(outcome.value());
        } else {
          failed++;
          Path file = files.get((int) outcome.position());
          stderr.println("failed: " + file.getFileName() + ": " + reason(outcome.failure()));
        }
      }
      if (bar != null) {
        pool.removeProgressListener(bar);
        bar.finish(files.size() - failed, failed);
      }
      stdout.printf("%d %s, %d failed, in %.2f s (%.1f %s/s)%n",
          files.size(), noun(), failed, seconds, seconds > 0 ? files.size() / seconds : 0, noun());
      if (failed < files.size()) {
        stdout.println("wrote " + describe(results) + " to " + out);
      }
      return failed == 0 ? 0 : 1;
    }
  }

  /** The original exception's class and message; for a crashed worker, what the pool says of it. */
  private static String reason(ParallelException failure) {
    Throwable cause = failure.getCause();
    if (cause == null) {
      return failure.getMessage();
    }
    // A RemoteException's message already starts with the original class name.
    return cause instanceof RemoteException ? cause.getMessage() : cause.toString();
  }

  /**
   * Checks the options picocli cannot check alone; a subclass adds its own checks.
   *
   * @throws ParameterException for a bad value, which the command line reports with the usage
   */
  protected void requireValidOptions() {
    if (workers < 1) {
      throw invalid("--workers must be at least 1, got " + workers);
    }
    if (samples < 1) {
      throw invalid("--samples must be at least 1, got " + samples);
    }
    if (in != null && !Files.isDirectory(in)) {
      throw invalid("--in " + in + " is not a folder");
    }
    if (in != null && inputs(in).isEmpty()) {
      throw invalid("--in " + in + " holds no " + noun() + " (no file ending in ."
          + String.join(", .", extensions()) + "); give a folder that does, or leave out --in to"
          + " generate sample " + noun());
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw invalid("--out " + out + " is a file; give a folder");
    }
  }

  /** A bad-argument error for this command, with {@code message}. */
  protected ParameterException invalid(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private Path generateSamples(Pool pool) throws IOException {
    Path output = out.toAbsolutePath().normalize();
    Path folder = output.resolveSibling(output.getFileName() + "-input");
    Files.createDirectories(folder);
    pool.map(index -> writeSample(folder, index, SAMPLE_SEED), IntStream.range(0, samples).boxed().toList());
    stdout.println("No --in given: wrote " + samples + " sample " + noun() + " to " + folder);
    return folder;
  }

  private List<Path> inputs(Path folder) {
    try (Stream<Path> entries = Files.list(folder)) {
      return entries
          .filter(Files::isRegularFile)
          .filter(file -> extensions().contains(extension(file)))
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + folder + ": " + e.getMessage(), e);
    }
  }

  /** The lower-case extension of a file's name, without the dot; empty if it has none. */
  public static String extension(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}

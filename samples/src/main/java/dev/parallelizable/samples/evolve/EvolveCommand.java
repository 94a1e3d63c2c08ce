package dev.parallelizable.samples.evolve;

import dev.parallelizable.Pool;
import dev.parallelizable.ResultCache;
import dev.parallelizable.samples.Isolation;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code evolve}: differential evolution with its fitness function evaluated on a pool through a
 * {@link ResultCache}, run twice; the second run finds every evaluation cached.
 */
@Command(
    name = "evolve",
    mixinStandardHelpOptions = true,
    description = {
      "Fits the four parameters of a damped, driven oscillator to a recorded trajectory by"
          + " differential evolution, evaluating each generation's candidates on a pool through a"
          + " result cache on disk. It runs the same evolution twice: the second run finds every"
          + " evaluation in the cache and sends nothing to the workers.",
      "Prints each run's best fit and time, then the second run's time against the first."
    })
public final class EvolveCommand implements Callable<Integer> {
  private final PrintStream stdout;

  @Option(names = "--population", paramLabel = "N",
      description = "Candidates per generation (default: ${DEFAULT-VALUE}).")
  int population = 24;

  @Option(names = "--generations", paramLabel = "N",
      description = "Generations (default: ${DEFAULT-VALUE}).")
  int generations = 30;

  @Option(names = "--steps", paramLabel = "N",
      description = "Integration steps per evaluation: the cost of one evaluation (default: ${DEFAULT-VALUE}).")
  int steps = 50_000;

  @Option(names = "--workers", paramLabel = "N",
      description = "Number of workers (default: one per processor, ${DEFAULT-VALUE} here).")
  int workers = Runtime.getRuntime().availableProcessors();

  @Option(names = "--isolation", paramLabel = "KIND",
      description = "threads or processes (default: ${DEFAULT-VALUE}).")
  Isolation isolation = Isolation.PROCESSES;

  @Option(names = "--cache", paramLabel = "DIR",
      description = "Folder of the result cache, kept afterwards and emptied first."
          + " Without it, a temporary folder, deleted afterwards.")
  Path cacheDirectory;

  @Option(names = "--seed", paramLabel = "N",
      description = "Seed of the evolution's random choices (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  public EvolveCommand(PrintStream stdout) {
    this.stdout = stdout;
  }

  @Override
  public Integer call() throws IOException {
    DifferentialEvolution evolution = new DifferentialEvolution(population, generations, steps, seed);
    Path directory =
        cacheDirectory != null ? cacheDirectory : Files.createTempDirectory("parallelizable-evolve-");
    try {
      ResultCache.open(directory).clear();
      stdout.printf(
          Locale.ROOT,
          "Differential evolution: %d candidates, %d generations, %d steps per evaluation, %d %s%n",
          population, generations, steps, workers, isolation);
      stdout.printf("Result cache: %s%n", directory);
      try (Pool pool = isolation.pool(workers)) {
        Run first = run("Run 1", evolution, directory, pool);
        Run second = run("Run 2", evolution, directory, pool);
        boolean same = Arrays.equals(first.result().best(), second.result().best());
        stdout.printf("Same best fit in both runs: %s%n", same ? "yes" : "NO");
        stdout.printf(
            Locale.ROOT,
            "evolve: first run %.3f s, second run %.3f s (%.1fx faster); %d of %d evaluations of the"
                + " second run came from the cache%n",
            first.seconds(), second.seconds(), first.seconds() / Math.max(second.seconds(), 1e-9),
            second.stats().hits(), second.result().evaluations());
        for (ResultCache.MethodEntries entries : ResultCache.open(directory).inspect()) {
          stdout.printf(
              Locale.ROOT, "Cached: %s [%s]: %d entries, %d KiB%n",
              entries.method(), entries.fingerprint(), entries.entries(), entries.bytes() / 1024);
        }
        return same ? 0 : 1;
      }
    } finally {
      if (cacheDirectory == null) {
        deleteTree(directory);
      }
    }
  }

  private record Run(DifferentialEvolution.Result result, ResultCache.Stats stats, double seconds) {}

  /** One run, as a fresh program run would do it: its own cache instance on the directory. */
  private Run run(String title, DifferentialEvolution evolution, Path directory, Pool pool) {
    ResultCache cache = ResultCache.open(directory);
    long start = System.nanoTime();
    DifferentialEvolution.Result result = evolution.run(cache.on(pool));
    double seconds = (System.nanoTime() - start) / 1e9;
    ResultCache.Stats stats = cache.stats();
    double[] best = result.best();
    stdout.printf(
        Locale.ROOT,
        "%s: error %.3g at stiffness %.4f, damping %.4f, drive %.4f, frequency %.4f;"
            + " %.3f s, %d evaluations computed, %d from the cache%n",
        title, result.error(), best[0], best[1], best[2], best[3], seconds, stats.misses(), stats.hits());
    return new Run(result, stats, seconds);
  }

  private static void deleteTree(Path directory) {
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(EvolveCommand::deleteQuietly);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + file, e);
    }
  }
}

package dev.parallelizable.samples.evolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.ResultCache;
import dev.parallelizable.samples.Captured;
import dev.parallelizable.samples.Main;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code evolve}: the evolution converges, and its second run computes nothing. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EvolveCommandTest {
  private final Captured out = new Captured();
  private final Captured err = new Captured();

  @ParameterizedTest
  @ValueSource(strings = {"threads", "processes"})
  void theSecondRunTakesEveryEvaluationFromTheCache(String isolation, @TempDir Path cache) {
    int code =
        Main.run(
            new String[] {"evolve", "--population=8", "--generations=4", "--steps=4000",
                "--workers=2", "--isolation=" + isolation, "--cache=" + cache},
            out.stream(),
            err.stream());

    String text = out.text();
    assertEquals(0, code, text + err.text());
    assertTrue(text.contains("8 candidates, 4 generations, 4000 steps per evaluation, 2 " + isolation), text);
    assertTrue(text.contains("40 evaluations computed, 0 from the cache"), text);
    assertTrue(text.contains("0 evaluations computed, 40 from the cache"), text);
    assertTrue(text.contains("Same best fit in both runs: yes"), text);
    Matcher benchmark =
        Pattern.compile("evolve: first run [0-9.]+ s, second run [0-9.]+ s \\([0-9.]+x faster\\); 40 of 40"
                + " evaluations of the second run came from the cache")
            .matcher(text);
    assertTrue(benchmark.find(), text);
    assertTrue(text.contains("Cached: " + Oscillator.class.getName() + ".error(double[],int) ["), text);
    assertEquals("", err.text());
    assertEquals(40, ResultCache.open(cache).inspect().get(0).entries(), "the folder given is kept");
  }

  @Test
  void theEvolutionFindsTheRecordedParameters() {
    try (Pool pool = Parallel.threads(2)) {
      DifferentialEvolution.Result result = new DifferentialEvolution(16, 40, 4000, 7).run(pool);
      assertEquals(16 * 41, result.evaluations());
      assertTrue(result.error() < 1e-2, "error " + result.error());
      assertEquals(Oscillator.TRUE_PARAMETERS[0], result.best()[0], 0.5);
    }
  }
}

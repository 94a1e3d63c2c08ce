package dev.parallelizable.samples.evolve;

import dev.parallelizable.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Differential evolution (DE/rand/1/bin) minimising {@link Oscillator#error}: each generation builds
 * one trial vector per member of the population and evaluates all the trials with one {@code map}
 * on a pool, then keeps each trial that does better than its parent. The random choices come from a
 * seeded generator, so two runs with the same settings evaluate exactly the same vectors: through a
 * {@link dev.parallelizable.ResultCache}, the second run finds every evaluation cached.
 *
 * <p>Not thread-safe: one run at a time per instance; the pool does the parallel work.
 */
public final class DifferentialEvolution {
  private static final double DIFFERENTIAL_WEIGHT = 0.7;
  private static final double CROSSOVER = 0.9;

  private final int population;
  private final int generations;
  private final int steps;
  private final long seed;

  /** The best vector found, its error, and how many evaluations the run asked for. */
  public record Result(double[] best, double error, int evaluations) {}

  /**
   * Settings of a run.
   *
   * @param population members per generation, at least 4
   * @param generations generations after the first evaluation
   * @param steps integration steps of each evaluation
   * @param seed seed of the random choices
   */
  public DifferentialEvolution(int population, int generations, int steps, long seed) {
    if (population < 4) {
      throw new IllegalArgumentException("population must be at least 4, got " + population);
    }
    this.population = population;
    this.generations = generations;
    this.steps = steps;
    this.seed = seed;
  }

  /**
   * Runs the evolution, evaluating on {@code pool}.
   *
   * @param pool where the evaluations run (a cached view, or any pool)
   * @return the best vector found
   */
  public Result run(Pool pool) {
    Random random = new Random(seed);
    int dimensions = Oscillator.BOUNDS.length;
    List<double[]> members = new ArrayList<>(population);
    for (int i = 0; i < population; i++) {
      double[] vector = new double[dimensions];
      for (int d = 0; d < dimensions; d++) {
        double[] bound = Oscillator.BOUNDS[d];
        vector[d] = bound[0] + random.nextDouble() * (bound[1] - bound[0]);
      }
      members.add(vector);
    }
    List<Double> errors = pool.map(v -> OscillatorParallel.error(v, steps), members);
    int evaluations = population;
    for (int generation = 0; generation < generations; generation++) {
      List<double[]> trials = new ArrayList<>(population);
      for (int i = 0; i < population; i++) {
        trials.add(trial(members, i, random));
      }
      List<Double> trialErrors = pool.map(v -> OscillatorParallel.error(v, steps), trials);
      evaluations += population;
      for (int i = 0; i < population; i++) {
        if (trialErrors.get(i) <= errors.get(i)) {
          members.set(i, trials.get(i));
          errors.set(i, trialErrors.get(i));
        }
      }
    }
    int best = 0;
    for (int i = 1; i < population; i++) {
      if (errors.get(i) < errors.get(best)) {
        best = i;
      }
    }
    return new Result(members.get(best).clone(), errors.get(best), evaluations);
  }

  private static double[] trial(List<double[]> members, int target, Random random) {
    int n = members.size();
    int a;
    int b;
    int c;
    do {
      a = random.nextInt(n);
    } while (a == target);
    do {
      b = random.nextInt(n);
    } while (b == target || b == a);
    do {
      c = random.nextInt(n);
    } while (c == target || c == a || c == b);
    double[] parent = members.get(target);
    double[] trial = parent.clone();
    int forced = random.nextInt(parent.length);
    for (int d = 0; d < parent.length; d++) {
      if (d == forced || random.nextDouble() < CROSSOVER) {
        double value = members.get(a)[d] + DIFFERENTIAL_WEIGHT * (members.get(b)[d] - members.get(c)[d]);
        double[] bound = Oscillator.BOUNDS[d];
        trial[d] = Math.min(bound[1], Math.max(bound[0], value));
      }
    }
    return trial;
  }
}

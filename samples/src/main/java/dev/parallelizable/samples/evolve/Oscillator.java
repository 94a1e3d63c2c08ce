package dev.parallelizable.samples.evolve;

import dev.parallelizable.Parallelizable;

/**
 * The fitness function the evolution minimises: how far a damped, driven oscillator with candidate
 * parameters strays from a recorded trajectory. Each evaluation integrates the oscillator over
 * {@code steps} time steps, enough work to be worth sending to a worker and worth caching.
 */
public final class Oscillator {
  /** The parameters that produced the recorded trajectory: stiffness, damping, drive, frequency. */
  public static final double[] TRUE_PARAMETERS = {4.0, 0.3, 1.5, 1.2};

  /** The lower and upper bound of each parameter. */
  public static final double[][] BOUNDS = {{0.5, 8.0}, {0.0, 1.0}, {0.0, 3.0}, {0.2, 3.0}};

  private static final double DURATION = 20.0;
  private static final int SAMPLES = 100;

  private Oscillator() {}

  /**
   * The mean squared distance between the trajectory of {@code parameters} and the one of {@link
   * #TRUE_PARAMETERS}, at {@value #SAMPLES} sample times.
   *
   * @param parameters stiffness, damping, drive and drive frequency
   * @param steps integration steps over the whole duration; more is slower and more precise
   * @return the error, 0 for the true parameters
   */
  @Parallelizable
  public static double error(double[] parameters, int steps) {
    double[] candidate = trajectory(parameters, steps);
    double[] target = trajectory(TRUE_PARAMETERS, steps);
    double sum = 0;
    for (int i = 0; i < SAMPLES; i++) {
      double difference = candidate[i] - target[i];
      sum += difference * difference;
    }
    return sum / SAMPLES;
  }

  /** Positions at {@code SAMPLES} evenly spaced times, integrated with fourth-order Runge-Kutta. */
  static double[] trajectory(double[] p, int steps) {
    double stiffness = p[0];
    double damping = p[1];
    double drive = p[2];
    double frequency = p[3];
    double dt = DURATION / steps;
    double x = 1.0;
    double v = 0.0;
    double[] samples = new double[SAMPLES];
    int every = Math.max(1, steps / SAMPLES);
    for (int step = 0, sample = 0; step < steps && sample < SAMPLES; step++) {
      if (step % every == 0) {
        samples[sample++] = x;
      }
      double t = step * dt;
      double k1x = v;
      double k1v = acceleration(x, v, t, stiffness, damping, drive, frequency);
      double k2x = v + 0.5 * dt * k1v;
      double k2v = acceleration(x + 0.5 * dt * k1x, k2x, t + 0.5 * dt, stiffness, damping, drive, frequency);
      double k3x = v + 0.5 * dt * k2v;
      double k3v = acceleration(x + 0.5 * dt * k2x, k3x, t + 0.5 * dt, stiffness, damping, drive, frequency);
      double k4x = v + dt * k3v;
      double k4v = acceleration(x + dt * k3x, k4x, t + dt, stiffness, damping, drive, frequency);
      x += dt / 6 * (k1x + 2 * k2x + 2 * k3x + k4x);
      v += dt / 6 * (k1v + 2 * k2v + 2 * k3v + k4v);
    }
    return samples;
  }

  private static double acceleration(
      double x, double v, double t, double stiffness, double damping, double drive, double frequency) {
    return -stiffness * x - damping * v + drive * Math.cos(frequency * t);
  }
}

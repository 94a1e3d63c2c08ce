package dev.parallelizable.samples.cli;

import dev.parallelizable.ProgressListener;
import java.io.PrintStream;

/**
 * A one-line progress bar, {@code [#########-----------] 45/100 files, 1 failed, 12.3 files/s},
 * redrawn in place with a carriage return. It is fed by a pool's progress listener.
 *
 * <p>Thread-safe: it may hear from several pools' callback threads at once; drawing is serialized and
 * limited to ten redraws a second. After {@link #finish(int, int)} it draws nothing more, so a report that
 * arrives late cannot scribble over what the program prints next.
 */
public final class ProgressBar implements ProgressListener {
  private static final int WIDTH = 30;
  private static final long REDRAW_NANOS = 100_000_000;

  private final PrintStream terminal;
  private final int total;
  private final String noun;
  private final long startNanos = System.nanoTime();
  private int succeeded;
  private int failed;
  private long lastDrawNanos;
  private int lastDrawnDone = -1;
  private boolean finished;

  /**
   * @param terminal where to draw, normally standard error
   * @param total how many tasks the run has
   * @param noun what a task is, plural, e.g. {@code "files"}
   */
  public ProgressBar(PrintStream terminal, int total, String noun) {
    this.terminal = terminal;
    this.total = total;
    this.noun = noun;
  }

  /**
   * Whether to draw a bar: when asked to, or when the program talks to a terminal (a bar's
   * carriage returns would litter a log file).
   */
  public static boolean wanted(boolean requested) {
    return requested || System.console() != null;
  }

  @Override
  public synchronized void tasksDone(int succeeded, int failed) {
    this.succeeded += succeeded;
    this.failed += failed;
    long now = System.nanoTime();
    if (this.succeeded + this.failed >= total || now - lastDrawNanos >= REDRAW_NANOS) {
      lastDrawNanos = now;
      draw();
    }
  }

  /**
   * Draws the final state, unless it is already drawn, and ends the line. The pool reports progress
   * asynchronously, so the caller passes the final counts it knows from the results themselves.
   */
  public synchronized void finish(int succeeded, int failed) {
    if (!finished) {
      this.succeeded = Math.max(this.succeeded, succeeded);
      this.failed = Math.max(this.failed, failed);
      if (lastDrawnDone != succeeded + failed) {
        draw();
      }
      terminal.println();
      finished = true;
    }
  }

  private void draw() {
    if (finished) {
      return;
    }
    int done = succeeded + failed;
    lastDrawnDone = done;
    int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * Math.min(done, total) / total);
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    StringBuilder line = new StringBuilder("\r[");
    line.append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append("] ");
    line.append(done).append('/').append(total).append(' ').append(noun);
    if (failed > 0) {
      line.append(", ").append(failed).append(" failed");
    }
    line.append(String.format(", %.1f %s/s  ", seconds > 0 ? done / seconds : 0.0, noun));
    terminal.print(line);
    terminal.flush();
  }
}

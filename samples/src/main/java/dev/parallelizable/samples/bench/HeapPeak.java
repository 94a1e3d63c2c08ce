package dev.parallelizable.samples.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The peak of this JVM's used heap while something runs, sampled every millisecond by a daemon
 * thread. Garbage not yet collected counts: it is the memory the work made the JVM hold.
 */
final class HeapPeak implements AutoCloseable {
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private volatile boolean sampling;
  private volatile long peak;
  private long before;
  private Thread sampler;

  void start() {
    System.gc();
    before = memory.getHeapMemoryUsage().getUsed();
    peak = before;
    sampling = true;
    sampler = new Thread(() -> {
      while (sampling) {
        peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-peak-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  void stop() {
    sampling = false;
    if (sampler != null) {
      try {
        sampler.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** How far the used heap rose above where it was at {@link #start()}. */
  long growthBytes() {
    return Math.max(0, peak - before);
  }

  @Override
  public void close() {
    stop();
  }
}

package dev.parallelizable.samples.bench;

import dev.parallelizable.Pool;
import dev.parallelizable.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;

/** One backend's way to map a function over a list, held open across the calls of a workload. */
interface Mapper<T, R> extends AutoCloseable {
  List<R> map(List<T> inputs);

  @Override
  void close();

  /**
   * The mapper of {@code backend}: {@code direct} is the plain function (for the JDK baselines),
   * {@code toTask} the generated task of the same method (for this library's pools).
   */
  static <T, R> Mapper<T, R> of(
      Backend backend, int workers, Function<T, R> direct, Function<T, Task<R>> toTask) {
    return switch (backend) {
      case LOOP -> new Mapper<>() {
        @Override
        public List<R> map(List<T> inputs) {
          List<R> results = new ArrayList<>(inputs.size());
          for (T input : inputs) {
            results.add(direct.apply(input));
          }
          return results;
        }

        @Override
        public void close() {}
      };
      case JDK_EXECUTOR -> new SplitExecutor<>(workers, direct);
      case PARALLEL_STREAM -> new Mapper<>() {
        @Override
        public List<R> map(List<T> inputs) {
          return inputs.parallelStream().map(direct).collect(Collectors.toList());
        }

        @Override
        public void close() {}
      };
      default -> new Mapper<>() {
        private final Pool pool = backend.pool(workers);

        @Override
        public List<R> map(List<T> inputs) {
          return pool.map(toTask, inputs);
        }

        @Override
        public void close() {
          pool.close();
        }
      };
    };
  }

  /** A mapper that calls {@code map} (such as a generated {@code ...Map} method) on its own pool. */
  static <T, R> Mapper<T, R> generated(Pool pool, BiFunction<Pool, List<T>, List<R>> map) {
    return new Mapper<>() {
      @Override
      public List<R> map(List<T> inputs) {
        return map.apply(pool, inputs);
      }

      @Override
      public void close() {
        pool.close();
      }
    };
  }

  /**
   * What a careful programmer writes by hand with the JDK alone: a fixed pool, the list cut into
   * one contiguous slice per worker, each slice writing its own part of one result array.
   */
  final class SplitExecutor<T, R> implements Mapper<T, R> {
    private final ExecutorService executor;
    private final int workers;
    private final Function<T, R> function;

    SplitExecutor(int workers, Function<T, R> function) {
      this.executor = Executors.newFixedThreadPool(workers);
      this.workers = workers;
      this.function = function;
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<R> map(List<T> inputs) {
      Object[] results = new Object[inputs.size()];
      List<Future<?>> slices = new ArrayList<>(workers);
      int n = inputs.size();
      for (int w = 0; w < workers; w++) {
        int from = (int) ((long) n * w / workers);
        int to = (int) ((long) n * (w + 1) / workers);
        slices.add(executor.submit(() -> {
          for (int i = from; i < to; i++) {
            results[i] = function.apply(inputs.get(i));
          }
        }));
      }
      try {
        for (Future<?> slice : slices) {
          slice.get();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
      return (List<R>) Arrays.asList(results);
    }

    /** A round trip of one call, for W5: {@code submit(f).get()}. */
    R call(T input) throws Exception {
      return executor.submit(() -> function.apply(input)).get();
    }

    @Override
    public void close() {
      executor.shutdown();
      try {
        executor.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}

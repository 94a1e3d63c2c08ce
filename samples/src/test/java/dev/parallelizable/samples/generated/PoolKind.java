package dev.parallelizable.samples.generated;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.samples.Isolation;

/** The pools generated code is tested on. */
enum PoolKind {
  SEQUENTIAL {
    @Override
    Pool create(int workers) {
      return Parallel.sequential();
    }
  },
  THREADS {
    @Override
    Pool create(int workers) {
      return Isolation.THREADS.pool(workers);
    }
  },
  PROCESSES {
    @Override
    Pool create(int workers) {
      return Isolation.PROCESSES.pool(workers);
    }
  };

  abstract Pool create(int workers);
}

package com.example.consumer;

import dev.parallelizable.Pool;
import java.util.List;
import org.springframework.stereotype.Service;

/** A service of the application that runs its work on the pool the context gives it. */
@Service
public class SquareService {
  private final Pool pool;

  public SquareService(Pool pool) {
    this.pool = pool;
  }

  /** The squares of the numbers, each computed in a worker JVM. */
  public List<Long> squares(List<Integer> numbers) {
    return pool.map(SquaresParallel::square, numbers);
  }

  /** The process id of a worker JVM of the pool. */
  public long workerPid() {
    return pool.apply(SquaresParallel.pid());
  }
}

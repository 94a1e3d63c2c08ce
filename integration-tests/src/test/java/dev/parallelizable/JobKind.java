package dev.parallelizable;

import java.util.List;
import java.util.function.Function;

/** A kind of {@link Job} the job contract suite runs against. */
public record JobKind(String name, Function<Task<?>, Job<?>> factory) {

  public static List<JobKind> all() {
    return List.of(new JobKind("thread", Parallel::thread), new JobKind("process", Parallel::process));
  }

  @SuppressWarnings("unchecked")
  public <R> Job<R> create(Task<R> task) {
    return (Job<R>) factory.apply(task);
  }

  @Override
  public String toString() {
    return name;
  }
}

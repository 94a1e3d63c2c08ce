/**
 * Parallelizable's cluster pool: a {@link dev.parallelizable.Pool} that runs {@code
 * Parallelizable} tasks on the members of a Hazelcast cluster, and the member launcher. Built on
 * the runtime's API and its service provider interface ({@code dev.parallelizable.spi}) only.
 *
 * <p>Both modules it requires are transitive: its API takes and returns their types ({@code Pool},
 * {@code CrashPolicy}; {@code HazelcastInstance}, {@code Config}). Hazelcast is an automatic
 * module ({@code com.hazelcast.core}, from its jar's manifest).
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.parallelizable.cluster {
  requires transitive dev.parallelizable;
  requires transitive com.hazelcast.core;

  exports dev.parallelizable.cluster;
}

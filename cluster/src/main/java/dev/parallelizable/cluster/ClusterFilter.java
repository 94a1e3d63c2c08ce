package dev.parallelizable.cluster;

import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.SerializationConfig;
import java.util.List;

/**
 * The Java deserialization filter of the members and pools: Hazelcast resolves a class of a
 * Java-serialized object only if this allow-list names it, so an object of any other class (a
 * deserialization gadget) is refused before any of its code runs. Everything else Hazelcast sends
 * between members (joins, partitions, map entries, cancellations) uses its own serialization, which
 * this filter does not see.
 *
 * <p>Stateless; thread-safe.
 */
final class ClusterFilter {
  /** The classes this library sends with Java serialization: its calls and its answer. */
  static final List<String> OWN_CLASSES = List.of(
      ChunkCall.class.getName(),
      ChunkOutcome.class.getName(),
      MemberCapacity.class.getName(),
      SessionEnd.class.getName());

  /** Classes Hazelcast needs to read what those objects hold and what fails them. */
  private static final List<String> CLASSES = List.of(
      // byte arrays: the requests, answers, MACs and session ids inside our objects
      "[B",
      // the stack of an exception that a member sends back when it cannot run a call
      "[Ljava.lang.StackTraceElement;",
      // how such an exception says it has no suppressed exceptions
      "java.util.Collections$EmptyList",
      // what a member sends back for a call that was cancelled (terminate, a task timeout), or
      // that reached an executor that is shutting down
      "java.util.concurrent.CancellationException",
      "java.util.concurrent.RejectedExecutionException");

  /**
   * Packages whose classes may be read (the package itself, not its subpackages): the exceptions a
   * member sends back when it cannot run a call. Their other serializable classes are plain values
   * with no code that runs while they are read.
   */
  private static final List<String> PACKAGES = List.of(
      // Throwable, its JDK subclasses and StackTraceElement
      "java.lang",
      // HazelcastInstanceNotActiveException, MemberLeftException, OperationTimeoutException, ...
      "com.hazelcast.core",
      // TargetNotMemberException, TargetDisconnectedException, RetryableHazelcastException, ...
      "com.hazelcast.spi.exception",
      // HazelcastSerializationException: what a member answers when this filter refused a call
      "com.hazelcast.nio.serialization");

  private ClusterFilter() {}

  /**
   * Installs the filter in {@code config}. A configuration without a filter gets this one alone,
   * with Hazelcast's default allow-list off. A configuration with a filter of its own keeps it: its
   * deny-list, its choice of Hazelcast's defaults and its allow-list, to which these entries are
   * added; a filter that had only a deny-list therefore starts to allow only what its allow-list
   * names.
   */
  static void install(Config config) {
    SerializationConfig serialization = config.getSerializationConfig();
    JavaSerializationFilterConfig filter = serialization.getJavaSerializationFilterConfig();
    if (filter == null) {
      filter = new JavaSerializationFilterConfig().setDefaultsDisabled(true);
      serialization.setJavaSerializationFilterConfig(filter);
    }
    ClassFilter allowed = filter.getWhitelist();
    allowed.addClasses(OWN_CLASSES.toArray(String[]::new));
    allowed.addClasses(CLASSES.toArray(String[]::new));
    allowed.addPackages(PACKAGES.toArray(String[]::new));
  }

  /**
   * What is wrong with the filter of {@code config}, of an instance already running, for a pool:
   * null if it allows this library's classes and refuses classes it does not name.
   */
  static String problem(Config config) {
    JavaSerializationFilterConfig filter = config.getSerializationConfig().getJavaSerializationFilterConfig();
    if (filter == null) {
      return "it has no Java deserialization filter, so it deserializes any class that reaches it";
    }
    for (String name : OWN_CLASSES) {
      if (filter.getBlacklist().isListed(name) || !filter.getWhitelist().isListed(name)) {
        return "its Java deserialization filter does not allow " + name;
      }
    }
    return null;
  }
}

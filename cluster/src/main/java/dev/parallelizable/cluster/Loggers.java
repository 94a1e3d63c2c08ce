package dev.parallelizable.cluster;

/**
 * The names of the cluster module's {@link System.Logger}s, the only names it logs under: users
 * configure them, so they are the names of the public classes whose work they report. {@code
 * docs/deploying.md} lists each with what it logs; a test keeps the two equal.
 */
final class Loggers {
  /** A member that joined cannot run the pool's tasks, or refuses its secret (WARNING). */
  static final String CLUSTER_POOL = "dev.parallelizable.cluster.ClusterPool";

  /** A member refused a chunk: no valid signature, a replay, an ended session (WARNING). */
  static final String CLUSTER_MEMBER = "dev.parallelizable.cluster.ClusterMember";

  private Loggers() {}
}

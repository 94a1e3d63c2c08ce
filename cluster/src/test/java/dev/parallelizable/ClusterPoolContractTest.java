package dev.parallelizable;

import dev.parallelizable.cluster.LoopbackCluster;
import java.util.List;

/**
 * The runtime's {@link PoolContractTest}, every case of it, run against a cluster pool on three
 * members in this JVM. The members share this JVM's memory, so the cases that block workers with an
 * in-memory gate or count runs in a static field apply too.
 */
class ClusterPoolContractTest extends PoolContractTest {
  /** Hides {@link PoolContractTest#kinds()}: JUnit looks the source up from this class. */
  static List<PoolKind> kinds() {
    return List.of(new PoolKind("cluster", workers -> LoopbackCluster.sharedPool(), false, true));
  }
}

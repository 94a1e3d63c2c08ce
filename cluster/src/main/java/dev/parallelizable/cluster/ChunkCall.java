package dev.parallelizable.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import dev.parallelizable.Codec;
import dev.parallelizable.spi.EncodedChunk;
import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * An assignment on its way to a cluster member, and what the member does with it.
 *
 * <pre>
 * Wire format (Hazelcast carries these two objects, which hold only strings and byte arrays):
 *
 *   caller --ChunkCall--> member     request   the tasks, encoded by the runtime's Codec
 *                                              (Codec.serialization(), with its deserialization
 *                                              filter): invoker class names, method keys, arguments;
 *                                              a SharedData argument as a key in the map of
 *                                              ClusterShares, whose bytes the member gets once
 *   caller &lt;--ChunkOutcome-- member  member    the member's address, host:port
 *                                    answer    the results of the tasks that completed, in order,
 *                                              and the failure of the task after them, if any
 * </pre>
 *
 * <p>The member runs the tasks in order in one executor thread and stops at the first failure, as
 * a worker JVM of a process pool does, with the same code ({@link EncodedChunk#run}): an argument
 * that cannot be decoded, a result or an exception that cannot be encoded is the failure of its
 * own task, and the member stays in service.
 */
final class ChunkCall implements Callable<ChunkOutcome>, Serializable, HazelcastInstanceAware {
  private static final long serialVersionUID = 2L;
  private final byte[] request;
  private transient HazelcastInstance member;

  ChunkCall(byte[] request) {
    this.request = request;
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance instance) {
    this.member = instance;
  }

  /** Runs on the member, in a thread of its task executor. */
  @Override
  public ChunkOutcome call() {
    String address = ClusterMember.localAddress(member);
    return new ChunkOutcome(
        address,
        EncodedChunk.run(request, Codec.serialization(), "cluster member " + address, ClusterShares.receiver(member)));
  }
}

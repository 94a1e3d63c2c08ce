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
 * Wire format (Hazelcast carries these two objects, which hold only strings, numbers and byte
 * arrays, through its deserialization filter; see ClusterFilter):
 *
 *   caller --ChunkCall--> member     session   the pool's session with this member (MemberSessions)
 *                                    number    the chunk's number in the session: 1, 2, ...
 *                                    request   the tasks, encoded by the runtime's Codec
 *                                              (Codec.serialization(), with its deserialization
 *                                              filter): invoker class names, method keys, arguments;
 *                                              or, for calls of one method, a batch after a -1
 *                                              marker: the method, then the argument columns,
 *                                              primitive ones in bulk (see EncodedChunk);
 *                                              a SharedData argument as a key in the map of
 *                                              ClusterShares, whose bytes the member gets once
 *                                    mac       HMAC-SHA256 of session, number and request with the
 *                                              ClusterSecret
 *   caller &lt;--ChunkOutcome-- member  member    the member's address, host:port
 *                                    answer    the results of the tasks that completed, in order,
 *                                              and the failure of the task after them, if any; a
 *                                              batch's primitive results as one column
 *                                    mac       HMAC-SHA256 of session, number, member and answer
 *                                  or refusal  why the member did not run the chunk
 * </pre>
 *
 * <p>The member checks the MAC and the number before it decodes anything of the request: a chunk
 * that is not signed with its secret, or that ran already, is answered with a refusal, and no class
 * it names is loaded. Then the member runs the tasks in order in one executor thread (a batch
 * through its method's batch loop) and stops at the first failure, as a worker JVM of a process
 * pool does, with the same code ({@link EncodedChunk#run}): an argument that cannot be decoded, a
 * result or an exception that cannot be encoded is the failure of its own task, a request that
 * breaks the grammar the failure of its first, and the member stays in service.
 */
final class ChunkCall implements Callable<ChunkOutcome>, Serializable, HazelcastInstanceAware {
  private static final long serialVersionUID = 3L;
  private static final System.Logger LOG = System.getLogger(Loggers.CLUSTER_MEMBER);

  private final byte[] session;
  private final long number;
  private final byte[] request;
  private final byte[] mac;
  private transient HazelcastInstance member;

  ChunkCall(byte[] session, long number, byte[] request, byte[] mac) {
    this.session = session;
    this.number = number;
    this.request = request;
    this.mac = mac;
  }

  /** Chunk {@code number} of {@code session}, signed with {@code secret}. */
  static ChunkCall signed(ClusterSecret secret, byte[] session, long number, byte[] request) {
    return new ChunkCall(session, number, request, secret.sign("chunk", session, ClusterSecret.bytes(number), request));
  }

  /** The chunk's MAC, as sent. */
  byte[] mac() {
    return mac;
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance instance) {
    this.member = instance;
  }

  /** Runs on the member, in a thread of its task executor. */
  @Override
  public ChunkOutcome call() {
    String address = ClusterMember.localAddress(member);
    ClusterSecret secret = ClusterSecret.of(member);
    String refusal = refusal(secret);
    if (refusal != null) {
      LOG.log(System.Logger.Level.WARNING, "Cluster member " + address + " refused a chunk: " + refusal);
      return ChunkOutcome.refused(address, refusal);
    }
    byte[] answer = EncodedChunk.run(request, Codec.serialization(), "cluster member " + address, ClusterShares.receiver(member));
    return ChunkOutcome.signed(secret, address, session, number, answer);
  }

  /** Why this member does not run the chunk, or null if it does; decodes nothing of the request. */
  private String refusal(ClusterSecret secret) {
    if (secret == null) {
      return noSecretHere(member);
    }
    if (session == null || request == null) {
      return "the chunk is incomplete (a forgery)";
    }
    if (!secret.verifies(mac, "chunk", session, ClusterSecret.bytes(number), request)) {
      return "the chunk is not signed with this member's cluster secret (a forgery, or a pool with another"
          + " secret)";
    }
    return MemberSessions.of(member).admit(session, number);
  }

  /** Why a member whose configuration did not go through {@link ClusterMember#secure} runs nothing. */
  static String noSecretHere(HazelcastInstance member) {
    return "cluster member " + ClusterMember.localAddress(member) + " has no cluster secret: start it with"
        + " ClusterMember --secret-file, or configure it with ClusterMember.config or ClusterMember.secure";
  }
}

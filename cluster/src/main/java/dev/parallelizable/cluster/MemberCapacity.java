package dev.parallelizable.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * Opens a pool's session with a member (see {@link MemberSessions}) and asks how many tasks the
 * member runs at once, the thread count of its task executor: a pool sizes its chunks and its
 * look-ahead from the sum over members. Running it also proves that the member has this library on
 * its classpath and, both ways, that the member and the pool hold the same {@link ClusterSecret}:
 * the call is signed with it, and so is the answer, over the pool's random challenge, so that a
 * member without the secret gets no work from the pool.
 *
 * <pre>
 * pool --MemberCapacity--> member    executor name, challenge (16 random bytes), the UUIDs of the
 *                                    pool's instance and of the member, HMAC of them
 * pool &lt;--byte[]-- member            0, threads, session id, HMAC of challenge, member UUID,
 *                                    threads, session id;  or  1, why the member refused (UTF-8)
 * </pre>
 *
 * <p>The answer is a byte array, which Hazelcast carries without Java serialization.
 */
final class MemberCapacity implements Callable<byte[]>, Serializable, HazelcastInstanceAware {
  private static final long serialVersionUID = 2L;
  private static final byte OPENED = 0;
  private static final byte REFUSED = 1;

  private final String executorName;
  private final byte[] challenge;
  private final byte[] caller;
  private final byte[] target;
  private final byte[] mac;
  private transient HazelcastInstance member;

  private MemberCapacity(String executorName, byte[] challenge, byte[] caller, byte[] target, byte[] mac) {
    this.executorName = executorName;
    this.challenge = challenge;
    this.caller = caller;
    this.target = target;
    this.mac = mac;
  }

  /** The call that opens a session of a pool of instance {@code caller} with member {@code target}. */
  static MemberCapacity open(ClusterSecret secret, String executorName, byte[] challenge, UUID caller, UUID target) {
    byte[] callerBytes = bytes(caller);
    byte[] targetBytes = bytes(target);
    byte[] mac = secret.sign("open", ClusterSecret.bytes(executorName), challenge, callerBytes, targetBytes);
    return new MemberCapacity(executorName, challenge, callerBytes, targetBytes, mac);
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance instance) {
    this.member = instance;
  }

  /** Runs on the member: opens the session, or says why not. */
  @Override
  public byte[] call() {
    ClusterSecret secret = ClusterSecret.of(member);
    if (secret == null) {
      return refused(ChunkCall.noSecretHere(member));
    }
    if (executorName == null || challenge == null || caller == null || target == null) {
      return refused("the call is incomplete (a forgery)");
    }
    if (!secret.verifies(mac, "open", ClusterSecret.bytes(executorName), challenge, caller, target)) {
      return refused("the pool's call is not signed with this member's cluster secret: give the members and"
          + " the pools the same ClusterSecret (or both ClusterSecret.insecureNone())");
    }
    UUID self = member.getCluster().getLocalMember().getUuid();
    UUID callerUuid = uuid(caller);
    if (!self.equals(uuid(target))
        || member.getCluster().getMembers().stream().noneMatch(m -> m.getUuid().equals(callerUuid))) {
      return refused("the call was meant for another member, or for a pool that has left (a replay)");
    }
    int threads = member.getConfig().findExecutorConfig(executorName).getPoolSize();
    byte[] session = MemberSessions.of(member).open(callerUuid, threads);
    byte[] proof = secret.sign("opened", challenge, target, ClusterSecret.bytes(threads), session);
    return ByteBuffer.allocate(1 + Integer.BYTES + session.length + proof.length)
        .put(OPENED).putInt(threads).put(session).put(proof).array();
  }

  private static byte[] refused(String why) {
    byte[] text = why.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + text.length).put(REFUSED).put(text).array();
  }

  /** A session a member opened for a pool: its id and the member's thread count. */
  record Opened(byte[] session, int threads) {}

  /** Why a member cannot work for a pool: it refused the pool's secret, or answered without it. */
  static final class Refused extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    Refused(String why) {
      super(why);
    }
  }

  /**
   * In the pool: reads a member's answer to {@link #open}.
   *
   * @throws Refused saying why, if the member refused or its answer is not signed with the pool's
   *     secret
   */
  static Opened read(ClusterSecret secret, byte[] answer, byte[] challenge, UUID target) {
    ByteBuffer in = ByteBuffer.wrap(answer);
    if (answer.length > 0 && in.get() == REFUSED) {
      throw new Refused("it refused the pool: " + StandardCharsets.UTF_8.decode(in));
    }
    int sessionLength = 16;
    if (in.remaining() < Integer.BYTES + sessionLength) {
      throw new Refused("its answer is cut short (" + answer.length + " bytes)");
    }
    int threads = in.getInt();
    byte[] session = new byte[sessionLength];
    in.get(session);
    byte[] proof = new byte[in.remaining()];
    in.get(proof);
    if (!secret.verifies(proof, "opened", challenge, bytes(target), ClusterSecret.bytes(threads), session)) {
      throw new Refused("its answer is not signed with the pool's cluster secret: the member"
          + " has no secret or another one; give the members and the pools the same ClusterSecret");
    }
    if (threads <= 0) {
      throw new Refused("it claims " + threads + " threads");
    }
    return new Opened(session, threads);
  }

  private static byte[] bytes(UUID uuid) {
    return ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits()).array();
  }

  private static UUID uuid(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    return bytes.length == 16 ? new UUID(in.getLong(), in.getLong()) : new UUID(0, 0);
  }
}

package dev.parallelizable.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import java.io.Serializable;

/**
 * Ends a pool's session with a member (see {@link MemberSessions}) when the pool stops, so that a
 * long-lived Hazelcast instance that creates many pools leaves nothing behind on the members.
 * Signed with the {@link ClusterSecret} like every call; a replay ends a session that ended
 * already, which does nothing.
 */
final class SessionEnd implements Runnable, Serializable, HazelcastInstanceAware {
  private static final long serialVersionUID = 1L;
  private final byte[] session;
  private final byte[] mac;
  private transient HazelcastInstance member;

  SessionEnd(ClusterSecret secret, byte[] session) {
    this.session = session;
    this.mac = secret.sign("end", session);
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance instance) {
    this.member = instance;
  }

  /** Runs on the member. */
  @Override
  public void run() {
    ClusterSecret secret = ClusterSecret.of(member);
    if (secret != null && session != null && secret.verifies(mac, "end", session)) {
      MemberSessions.of(member).end(session);
    }
  }
}

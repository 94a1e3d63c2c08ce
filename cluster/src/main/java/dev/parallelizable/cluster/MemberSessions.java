package dev.parallelizable.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A member's sessions: one per pool that uses the member, opened by the pool's {@link
 * MemberCapacity} call and ended by its {@link SessionEnd} or when the pool's Hazelcast instance
 * leaves the cluster. A session numbers the chunks the pool sends to this member, so that each runs
 * once: a chunk whose number was seen already (a replay), or whose session this member does not
 * know (ended, or opened on another member), is refused. The session id is this member's own random
 * number, so a session that ended is never opened again by replaying the call that opened it.
 *
 * <p>One per member, in its user context. Thread-safe.
 */
final class MemberSessions {
  private static final String CONTEXT_KEY = MemberSessions.class.getName();
  /** The fewest chunk numbers a session remembers behind the highest it has seen. */
  private static final int MIN_WINDOW = 1024;

  private final Map<ByteBuffer, Session> sessions = new ConcurrentHashMap<>();

  private MemberSessions() {}

  /** The sessions of {@code member}, made by the first call that needs them. */
  static MemberSessions of(HazelcastInstance member) {
    Object known = member.getUserContext().get(CONTEXT_KEY);
    if (known != null) {
      return (MemberSessions) known;
    }
    synchronized (MemberSessions.class) {
      known = member.getUserContext().get(CONTEXT_KEY);
      if (known != null) {
        return (MemberSessions) known;
      }
      MemberSessions sessions = new MemberSessions();
      member.getCluster().addMembershipListener(sessions.new CallerGone());
      member.getUserContext().put(CONTEXT_KEY, sessions);
      return sessions;
    }
  }

  /**
   * Opens a session for a pool of the instance {@code caller}, on a member that runs {@code
   * threads} tasks at once; returns its id.
   */
  byte[] open(UUID caller, int threads) {
    byte[] id = ClusterSecret.randomBytes(16);
    // Chunks of one pool are numbered in the order they are sent and checked in the order the
    // member's threads pick them up; those can differ by the chunks running at once, no more.
    sessions.put(ByteBuffer.wrap(id), new Session(caller, Math.max(MIN_WINDOW, 4 * threads)));
    return id;
  }

  /**
   * Admits chunk {@code number} of session {@code id}: null if it may run, else why not.
   */
  String admit(byte[] id, long number) {
    Session session = sessions.get(ByteBuffer.wrap(id));
    if (session == null) {
      return "its session is unknown to this member (the pool closed, the member restarted, or the"
          + " chunk is a replay or a forgery)";
    }
    return session.admit(number)
        ? null
        : "chunk " + number + " of its session ran already or is too old (a replay)";
  }

  /** Ends session {@code id}, if open. */
  void end(byte[] id) {
    sessions.remove(ByteBuffer.wrap(id));
  }

  /** How many sessions are open; for tests. */
  int size() {
    return sessions.size();
  }

  /** Ends the sessions of an instance that left the cluster, whose pools cannot end them. */
  private final class CallerGone implements MembershipListener {
    @Override
    public void memberAdded(MembershipEvent event) {}

    @Override
    public void memberRemoved(MembershipEvent event) {
      UUID caller = event.getMember().getUuid();
      sessions.values().removeIf(session -> session.caller.equals(caller));
    }
  }

  /** The chunk numbers seen: the highest, and which of the {@code window} before it. */
  private static final class Session {
    final UUID caller;
    private final long[] seen;
    private long highest;

    Session(UUID caller, int window) {
      this.caller = caller;
      this.seen = new long[(window + 63) / 64];
    }

    synchronized boolean admit(long number) {
      long size = seen.length * 64L;
      if (number <= 0 || number <= highest - size) {
        return false;
      }
      if (number > highest) {
        for (long n = Math.max(highest + 1, number - size + 1); n < number; n++) {
          clear(n); // numbers skipped (sent elsewhere or lost) leave the window unseen
        }
        highest = number;
      } else if (isSet(number)) {
        return false;
      }
      set(number);
      return true;
    }

    private boolean isSet(long n) {
      int bit = (int) (n % (seen.length * 64L));
      return (seen[bit >>> 6] & (1L << bit)) != 0;
    }

    private void set(long n) {
      int bit = (int) (n % (seen.length * 64L));
      seen[bit >>> 6] |= 1L << bit;
    }

    private void clear(long n) {
      int bit = (int) (n % (seen.length * 64L));
      seen[bit >>> 6] &= ~(1L << bit);
    }
  }
}

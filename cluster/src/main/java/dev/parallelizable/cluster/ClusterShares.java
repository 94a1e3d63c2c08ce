package dev.parallelizable.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.query.Predicates;
import dev.parallelizable.spi.SharedDataReceiver;
import dev.parallelizable.spi.SharedDataStore;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The data of {@link dev.parallelizable.SharedData} handles on a cluster: one Hazelcast map, {@value
 * #MAP_NAME}, from a key {@code <caller member uuid>/<pool uuid>/<handle id>} to the handle's bytes.
 *
 * <ul>
 *   <li>The caller puts a handle's bytes once per pool, the first time the handle is passed to the
 *       pool, and removes them when the handle or the pool is closed; tasks carry only the key.
 *   <li>Each member gets the bytes the first time one of its tasks refers to the key, keeps the
 *       handle for every later task, and drops it when the key is removed from the map (an entry
 *       listener). A member that leaves takes its copies with its JVM.
 *   <li>When a caller leaves the cluster without closing its pools (its JVM died), the members that
 *       received shared data remove the keys of that caller.
 *   <li>Beside each key, {@code <key>#mac} holds the HMAC of the key and the bytes with the {@link
 *       ClusterSecret}: a member uses bytes only if it proves that a pool holding the secret put
 *       them, so whoever can write to the map without the secret cannot change what tasks read.
 * </ul>
 *
 * <p>Thread-safe.
 */
final class ClusterShares implements SharedDataStore {
  /** The distributed map of the bytes. */
  static final String MAP_NAME = "parallelizable-shared-data";
  private static final String RECEIVER = ClusterShares.class.getName() + ".receiver";
  private static final String MAC_SUFFIX = "#mac";

  private final IMap<String, byte[]> map;
  private final ClusterSecret secret;

  private ClusterShares(HazelcastInstance hazelcast, ClusterSecret secret) {
    this.map = hazelcast.getMap(MAP_NAME);
    this.secret = secret;
  }

  /** The store of {@code hazelcast}'s cluster, whose entries are signed with {@code secret}. */
  static ClusterShares store(HazelcastInstance hazelcast, ClusterSecret secret) {
    return new ClusterShares(hazelcast, secret);
  }

  /** The start of the keys of a new pool that submits through {@code hazelcast}. */
  static String newPrefix(HazelcastInstance hazelcast) {
    String caller;
    try {
      caller = hazelcast.getCluster().getLocalMember().getUuid().toString();
    } catch (RuntimeException e) {
      caller = "client";
    }
    return caller + "/" + UUID.randomUUID() + "/";
  }

  @Override
  public void put(String key, byte[] bytes) {
    map.set(key + MAC_SUFFIX, secret.sign("shared", ClusterSecret.bytes(key), bytes));
    map.set(key, bytes);
  }

  @Override
  public void remove(String key) {
    map.delete(key);
    map.delete(key + MAC_SUFFIX);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if the bytes are not signed with this member's secret
   */
  @Override
  public byte[] get(String key) {
    byte[] bytes = map.get(key);
    if (bytes != null && !secret.verifies(map.get(key + MAC_SUFFIX), "shared", ClusterSecret.bytes(key), bytes)) {
      throw new IllegalStateException("the bytes under " + key + " are not signed with this member's cluster"
          + " secret: someone without the secret wrote them");
    }
    return bytes;
  }

  /**
   * The receiver of the member {@code hazelcast}: one per member, made by the first task that needs
   * it, kept in the instance's user context. Checks the bytes with the member's secret, which it
   * must have.
   */
  static SharedDataReceiver receiver(HazelcastInstance hazelcast) {
    Object known = hazelcast.getUserContext().get(RECEIVER);
    if (known != null) {
      return (SharedDataReceiver) known;
    }
    synchronized (ClusterShares.class) {
      known = hazelcast.getUserContext().get(RECEIVER);
      if (known != null) {
        return (SharedDataReceiver) known;
      }
      ClusterShares store = store(hazelcast, ClusterSecret.of(hazelcast));
      SharedDataReceiver receiver = SharedDataReceiver.create(store);
      store.map.addEntryListener((EntryRemovedListener<String, byte[]>) event -> receiver.forget(event.getKey()), false);
      hazelcast.getCluster().addMembershipListener(new CallerGone(store.map));
      hazelcast.getUserContext().put(RECEIVER, receiver);
      return receiver;
    }
  }

  /** Removes the keys of a caller that left the cluster without closing its pools. */
  private static final class CallerGone implements MembershipListener {
    private final IMap<String, byte[]> map;

    CallerGone(IMap<String, byte[]> map) {
      this.map = map;
    }

    @Override
    public void memberAdded(MembershipEvent event) {}

    @Override
    public void memberRemoved(MembershipEvent event) {
      String prefix = event.getMember().getUuid() + "/";
      // Off Hazelcast's event thread: removing waits for the map's partitions.
      CompletableFuture.runAsync(() -> {
        try {
          map.removeAll(Predicates.like("__key", prefix + "%"));
        } catch (RuntimeException e) {
          // this member is shutting down too: nothing of it is left to clean
        }
      });
    }
  }
}

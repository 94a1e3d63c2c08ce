package dev.parallelizable.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void smoke() {
    LoopbackCluster c = LoopbackCluster.reserve(3);
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      HazelcastInstance h = Hazelcast.newHazelcastInstance(c.config(i, 2));
      c.members.add(h);
      System.out.println("member " + i + " in " + (System.nanoTime() - t0) / 1e6 + " ms");
    }
    c.close();
  }
}

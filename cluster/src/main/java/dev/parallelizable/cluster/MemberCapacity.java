package dev.parallelizable.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * Asks a member how many tasks it runs at once: the thread count of its task executor. A pool sizes
 * its chunks and its look-ahead from the sum over members. Running it also proves that the member
 * has this library on its classpath.
 */
final class MemberCapacity implements Callable<Integer>, Serializable, HazelcastInstanceAware {
  private static final long serialVersionUID = 1L;
  private final String executorName;
  private transient HazelcastInstance member;

  MemberCapacity(String executorName) {
    this.executorName = executorName;
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance instance) {
    this.member = instance;
  }

  @Override
  public Integer call() {
    return member.getConfig().findExecutorConfig(executorName).getPoolSize();
  }
}

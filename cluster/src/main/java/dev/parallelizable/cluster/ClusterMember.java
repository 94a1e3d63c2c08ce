package dev.parallelizable.cluster;

import com.hazelcast.cluster.Address;
import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A cluster member that runs {@code @Parallelizable} tasks: start one on each machine, with the
 * application's classpath, and point a {@link ClusterPool} at the cluster.
 *
 * <pre>
 * java -cp app.jar:lib/* dev.parallelizable.cluster.ClusterMember \
 *      --cluster render --members 10.0.0.5:5701,10.0.0.6:5701 [--port 5701] [--threads 8]
 * </pre>
 *
 * <ul>
 *   <li>{@code --cluster NAME}: members and pools with the same name form one cluster. It keeps
 *       separate clusters apart; it is not a password.
 *   <li>{@code --members host:port,...}: where the other members are (TCP-IP discovery; multicast
 *       and cloud auto-detection are off). Listing this member too is harmless, so every machine
 *       can be given the same list.
 *   <li>{@code --port N}: the port to listen on; without it, 5701 or the next free one up to 5800.
 *   <li>{@code --threads N}: how many tasks run at once on this member; without it, one per
 *       available processor.
 * </ul>
 *
 * <p>Bad arguments print the usage and exit with status 2. Once the member has joined, it prints
 * {@code Member ADDRESS of cluster NAME is ready} on standard output. It stops on SIGTERM or Ctrl-C
 * (Hazelcast's shutdown hook); the tasks it was running then count as lost (see {@link
 * ClusterPool}).
 *
 * <p>A task whose class is not on this member's classpath fails with an {@link
 * IllegalStateException} naming the class and this member's address: start members with the same
 * jars as the application.
 *
 * <p>{@link #config} is thread-safe and returns a new configuration on each call.
 *
 * <p>Members accept connections from any host that can reach their port: see the security model in
 * the README (a private network only).
 */
public final class ClusterMember {
  /** The name of the Hazelcast executor that runs tasks on every member. */
  public static final String EXECUTOR_NAME = "parallelizable";

  /** Hazelcast's first port; members without {@code --port} try it and the 99 after it. */
  static final int DEFAULT_PORT = 5701;

  private static final String USAGE =
      "Usage: java -cp <application classpath> dev.parallelizable.cluster.ClusterMember"
          + " --cluster NAME --members host:port[,host:port...] [--port N] [--threads N]";

  private ClusterMember() {}

  /**
   * The Hazelcast configuration of a member that runs tasks, for starting members inside an
   * application ({@code Hazelcast.newHazelcastInstance(ClusterMember.config(...))}) as the launcher
   * does: TCP-IP discovery of {@code members} only, phone-home statistics off, and the task
   * executor sized to {@code threads}.
   *
   * @param clusterName the cluster's name, which members and pools must share
   * @param members {@code host:port} (or {@code host}) of the other members
   * @param port the port to listen on, or 0 for 5701 or the next free one
   * @param threads how many tasks run at once on the member
   * @throws IllegalArgumentException if a value is out of range
   */
  public static Config config(String clusterName, List<String> members, int port, int threads) {
    Objects.requireNonNull(clusterName, "clusterName");
    Objects.requireNonNull(members, "members");
    if (clusterName.isBlank()) {
      throw new IllegalArgumentException("cluster name must not be blank");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be between 1 and 65535 (or 0 for the default), got " + port);
    }
    if (threads <= 0) {
      throw new IllegalArgumentException("threads must be positive, got " + threads);
    }
    Config config = new Config();
    config.setClusterName(clusterName);
    // No usage statistics leave the machine: members often sit on networks with no way out.
    config.setProperty("hazelcast.phone.home.enabled", "false");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port == 0 ? DEFAULT_PORT : port).setPortAutoIncrement(port == 0);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(new ArrayList<>(members));
    config.getExecutorConfig(EXECUTOR_NAME).setPoolSize(threads);
    return config;
  }

  /** Starts a member from the command line; see the class comment. */
  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      usage(System.err, e.getMessage());
      System.exit(2);
      return;
    }
    HazelcastInstance member =
        Hazelcast.newHazelcastInstance(
            config(options.cluster, options.members, options.port, options.threads));
    System.out.println(
        "Member "
            + address(member.getCluster().getLocalMember())
            + " of cluster "
            + options.cluster
            + " is ready ("
            + options.threads
            + " threads)");
    System.out.flush();
  }

  /** A member's address as {@code host:port}, as users write it in {@code --members}. */
  static String address(Member member) {
    Address address = member.getAddress();
    return address.getHost() + ":" + address.getPort();
  }

  /**
   * The address of {@code instance} itself; its name if it is shutting down and no longer knows its
   * address, so that a task that ends during a shutdown does not throw on a Hazelcast thread.
   */
  static String localAddress(HazelcastInstance instance) {
    try {
      return address(instance.getCluster().getLocalMember());
    } catch (RuntimeException e) {
      return instance.getName();
    }
  }

  private static void usage(PrintStream out, String problem) {
    out.println("ClusterMember: " + problem);
    out.println(USAGE);
  }

  /** The parsed command line. */
  static final class Options {
    String cluster;
    List<String> members;
    int port;
    int threads = Runtime.getRuntime().availableProcessors();

    static Options parse(String[] args) {
      Options options = new Options();
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        String value = args[++i];
        switch (flag) {
          case "--cluster" -> options.cluster = value;
          case "--members" -> options.members = members(value);
          case "--port" -> options.port = number(flag, value, 1, 65_535);
          case "--threads" -> options.threads = number(flag, value, 1, 10_000);
          default -> throw new IllegalArgumentException("unknown option " + flag);
        }
      }
      if (options.cluster == null || options.cluster.isBlank()) {
        throw new IllegalArgumentException("--cluster NAME is required");
      }
      if (options.members == null) {
        throw new IllegalArgumentException("--members host:port,... is required");
      }
      return options;
    }

    private static List<String> members(String value) {
      List<String> members = new ArrayList<>();
      for (String member : value.split(",")) {
        String trimmed = member.trim();
        int colon = trimmed.lastIndexOf(':');
        if (trimmed.isEmpty()
            || colon == 0
            || (colon > 0 && !trimmed.substring(colon + 1).matches("\\d{1,5}"))) {
          throw new IllegalArgumentException(
              "--members must read host:port,host:port..., got \"" + value + '"');
        }
        members.add(trimmed);
      }
      return members;
    }

    private static int number(String flag, String value, int min, int max) {
      try {
        int n = Integer.parseInt(value);
        if (n >= min && n <= max) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below with the accepted range
      }
      throw new IllegalArgumentException(
          flag + " must be a number from " + min + " to " + max + ", got \"" + value + '"');
    }
  }
}

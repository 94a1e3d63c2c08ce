package dev.parallelizable.cluster;

import com.hazelcast.cluster.Address;
import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A cluster member that runs {@code @Parallelizable} tasks: start one on each machine, with the
 * application's classpath and the cluster's secret, and point a {@link ClusterPool} at the cluster.
 *
 * <pre>
 * java -cp app.jar:lib/* dev.parallelizable.cluster.ClusterMember \
 *      --cluster render --members 10.0.0.5:5701,10.0.0.6:5701 --secret-file /etc/render/cluster.secret \
 *      [--port 5701] [--threads 8]
 * </pre>
 *
 * <ul>
 *   <li>{@code --cluster NAME}: members and pools with the same name form one cluster. It keeps
 *       separate clusters apart; it is not a password.
 *   <li>{@code --members host:port,...}: where the other members are (TCP-IP discovery; multicast
 *       and cloud auto-detection are off). Listing this member too is harmless, so every machine
 *       can be given the same list.
 *   <li>{@code --secret-file PATH}: the file holding the {@link ClusterSecret} that the members and
 *       pools share; without it, the environment variable {@value
 *       ClusterSecret#ENVIRONMENT_VARIABLE} holds it. The member runs only chunks signed with it.
 *   <li>{@code --insecure-no-secret}: runs without a secret ({@link ClusterSecret#insecureNone()}),
 *       where everyone who can reach the port may run code on the member.
 *   <li>{@code --port N}: the port to listen on; without it, 5701 or the next free one up to 5800.
 *   <li>{@code --threads N}: how many tasks run at once on this member; without it, one per
 *       available processor.
 * </ul>
 *
 * <p>Bad arguments, and a missing or unreadable secret, print the problem and the usage and exit
 * with status 2. Once the member has joined, it prints {@code Member ADDRESS of cluster NAME is
 * ready} on standard output. It stops on SIGTERM or Ctrl-C (Hazelcast's shutdown hook); the tasks
 * it was running then count as lost (see {@link ClusterPool}).
 *
 * <p>A task whose class is not on this member's classpath fails with an {@link
 * IllegalStateException} naming the class and this member's address: start members with the same
 * jars as the application.
 *
 * <p>{@link #config} and {@link #secure} are thread-safe; {@code config} returns a new
 * configuration on each call.
 *
 * <p>Members refuse chunks that are not signed with their secret, and deserialize only the classes
 * of their allow-list: see the security model in {@code docs/cluster.md} for what that protects and
 * what the network must still provide.
 */
public final class ClusterMember {
  /** The name of the Hazelcast executor that runs tasks on every member. */
  public static final String EXECUTOR_NAME = "parallelizable";

  /** Hazelcast's first port; members without {@code --port} try it and the 99 after it. */
  static final int DEFAULT_PORT = 5701;

  private static final String USAGE =
      "Usage: java -cp <application classpath> dev.parallelizable.cluster.ClusterMember"
          + " --cluster NAME --members host:port[,host:port...] (--secret-file PATH | --insecure-no-secret)"
          + " [--port N] [--threads N]\n  Without --secret-file, the environment variable "
          + ClusterSecret.ENVIRONMENT_VARIABLE + " holds the secret.";

  private ClusterMember() {}

  /**
   * The Hazelcast configuration of a member that runs tasks, for starting members inside an
   * application ({@code Hazelcast.newHazelcastInstance(ClusterMember.config(...))}) as the launcher
   * does: TCP-IP discovery of {@code members} only, phone-home statistics off, the task executor
   * sized to {@code threads}, and {@link #secure} applied with {@code secret}.
   *
   * @param clusterName the cluster's name, which members and pools must share
   * @param members {@code host:port} (or {@code host}) of the other members
   * @param port the port to listen on, or 0 for 5701 or the next free one
   * @param threads how many tasks run at once on the member
   * @param secret the secret the cluster's members and pools share
   * @return a new configuration, to pass to {@code Hazelcast.newHazelcastInstance}
   * @throws IllegalArgumentException if a value is out of range, or the secret is the cluster name
   */
  public static Config config(String clusterName, List<String> members, int port, int threads, ClusterSecret secret) {
    Objects.requireNonNull(clusterName, "clusterName");
    Objects.requireNonNull(members, "members");
    Objects.requireNonNull(secret, "secret");
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
    return secure(config, secret);
  }

  /**
   * Prepares a Hazelcast configuration of the application's own for members and pools of this
   * library, before the instance starts: keeps {@code secret} in the configuration's user context,
   * where the instance's calls find it, and installs the Java deserialization filter that allows
   * only this library's calls and the exceptions Hazelcast sends back.
   *
   * <p>A configuration that has a {@code JavaSerializationFilterConfig} already keeps it: its
   * deny-list, its choice of Hazelcast's default allow-list, and its allow-list, to which this
   * library's entries are added. A configuration without one gets the library's allow-list alone;
   * an application that sends objects of its own through the same instance with Java serialization
   * adds their classes to {@code config.getSerializationConfig().getJavaSerializationFilterConfig()
   * .getWhitelist()}. A filter that had only a deny-list starts to allow only what its allow-list
   * names.
   *
   * @param config the configuration to prepare, before {@code Hazelcast.newHazelcastInstance}
   * @param secret the secret the cluster's members and pools share
   * @return {@code config}
   * @throws IllegalArgumentException if the secret is the cluster name, which crosses the network
   *     in clear
   */
  public static Config secure(Config config, ClusterSecret secret) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(secret, "secret");
    if (secret.is(config.getClusterName())) {
      throw new IllegalArgumentException(
          "The cluster secret must not be the cluster name '" + config.getClusterName() + "', which crosses the"
              + " network in clear: use a random secret, e.g. from `openssl rand -base64 32`");
    }
    ClusterFilter.install(config);
    config.getUserContext().put(ClusterSecret.CONTEXT_KEY, secret);
    return config;
  }

  /**
   * Starts a member from the command line; see the class comment.
   *
   * @param args the options the class comment lists
   */
  public static void main(String[] args) {
    Options options;
    Config config;
    try {
      options = Options.parse(args);
      config = config(options.cluster, options.members, options.port, options.threads, options.secret());
    } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
      usage(System.err, e.getMessage());
      System.exit(2);
      return;
    }
    if (options.insecure) {
      System.err.println("ClusterMember: no cluster secret (--insecure-no-secret): whoever can reach this"
          + " member's port can run tasks on it");
    }
    HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
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
    Path secretFile;
    boolean insecure;

    static Options parse(String[] args) {
      Options options = new Options();
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (flag.equals("--insecure-no-secret")) {
          options.insecure = true;
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        String value = args[++i];
        switch (flag) {
          case "--cluster" -> options.cluster = value;
          case "--members" -> options.members = members(value);
          case "--port" -> options.port = number(flag, value, 1, 65_535);
          case "--threads" -> options.threads = number(flag, value, 1, 10_000);
          case "--secret-file" -> options.secretFile = Path.of(value);
          default -> throw new IllegalArgumentException("unknown option " + flag);
        }
      }
      if (options.cluster == null || options.cluster.isBlank()) {
        throw new IllegalArgumentException("--cluster NAME is required");
      }
      if (options.members == null) {
        throw new IllegalArgumentException("--members host:port,... is required");
      }
      if (options.insecure && options.secretFile != null) {
        throw new IllegalArgumentException("--secret-file and --insecure-no-secret exclude each other; keep one");
      }
      return options;
    }

    /**
     * The secret the options name: the file, else the environment variable, else none if asked.
     *
     * @throws IllegalArgumentException if none is given, or it is too short
     * @throws UncheckedIOException if the file cannot be read
     */
    ClusterSecret secret() {
      if (insecure) {
        return ClusterSecret.insecureNone();
      }
      if (secretFile != null) {
        return ClusterSecret.fromFile(secretFile);
      }
      if (System.getenv(ClusterSecret.ENVIRONMENT_VARIABLE) != null) {
        return ClusterSecret.fromEnvironment(ClusterSecret.ENVIRONMENT_VARIABLE);
      }
      throw new IllegalArgumentException(
          "no cluster secret: give --secret-file PATH, a file the members and pools share (make it with"
              + " `openssl rand -base64 32 > cluster.secret`), or set the environment variable "
              + ClusterSecret.ENVIRONMENT_VARIABLE + " to the secret; only where whoever can reach the"
              + " port may run code on the member, --insecure-no-secret runs without one");
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

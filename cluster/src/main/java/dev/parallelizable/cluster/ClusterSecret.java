package dev.parallelizable.cluster;

import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret that the members and pools of one cluster share, and that proves every message
 * between them: a member runs a chunk of tasks only if it carries an HMAC-SHA256 made with the
 * secret, and a pool accepts results only if they carry one too. Whoever can reach a member's port
 * but does not hold the secret can make it run nothing (see the security model in {@code
 * docs/cluster.md}).
 *
 * <pre>{@code
 * ClusterPool.builder().clusterName("render").members("10.0.0.5:5701")
 *     .secret(ClusterSecret.fromFile(Path.of("/etc/render/cluster.secret"))).build();
 * }</pre>
 *
 * <p>Give members and pools the same secret: at least {@value #MIN_LENGTH} bytes, random (the
 * output of {@code openssl rand -base64 32} is), and not the cluster name, which crosses the network
 * in clear. A file or the variable {@value #ENVIRONMENT_VARIABLE} holds it as text; surrounding
 * white space, such as the final newline of a file, is not part of it.
 *
 * <p>Immutable and thread-safe. Its {@code toString()} names where it came from, never its bytes.
 * It is not {@link java.io.Serializable}: it never leaves the JVM.
 */
public final class ClusterSecret {
  /**
   * The environment variable that holds the secret when no other is given: {@value}. Read by
   * {@link ClusterPool.Builder#build()} and by the {@link ClusterMember} launcher.
   */
  public static final String ENVIRONMENT_VARIABLE = "PARALLELIZABLE_CLUSTER_SECRET";

  /** The fewest bytes a secret may have: {@value}, 256 bits of random text or more. */
  public static final int MIN_LENGTH = 32;

  /** Where the secret is kept in a configuration's and an instance's user context. */
  static final String CONTEXT_KEY = ClusterSecret.class.getName();

  private static final String ALGORITHM = "HmacSHA256";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String HOW_TO_MAKE =
      "make one with `openssl rand -base64 32 > cluster.secret`, readable only by the user that runs"
          + " the members and the application";

  /** The HMAC key; null for {@link #insecureNone()}. */
  private final SecretKeySpec key;
  private final String origin;

  private ClusterSecret(byte[] bytes, String origin) {
    this.key = bytes == null ? null : new SecretKeySpec(bytes, ALGORITHM);
    this.origin = origin;
  }

  /**
   * The secret held by a file, as text: what {@code openssl rand -base64 32 > FILE} writes.
   *
   * @param file the file; readable by this process
   * @return the secret
   * @throws UncheckedIOException naming the file if it cannot be read
   * @throws IllegalArgumentException naming the file if it holds fewer than {@value #MIN_LENGTH}
   *     bytes
   */
  public static ClusterSecret fromFile(Path file) {
    Objects.requireNonNull(file, "file");
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read the cluster secret file " + file.toAbsolutePath() + " (" + e + "); " + HOW_TO_MAKE, e);
    }
    return of(trim(content), "the file " + file.toAbsolutePath());
  }

  /**
   * The secret held by an environment variable, as text.
   *
   * @param variable the variable's name, such as {@value #ENVIRONMENT_VARIABLE}
   * @return the secret
   * @throws IllegalStateException naming the variable if it is not set
   * @throws IllegalArgumentException naming the variable if it holds fewer than {@value
   *     #MIN_LENGTH} bytes
   */
  public static ClusterSecret fromEnvironment(String variable) {
    Objects.requireNonNull(variable, "variable");
    String value = System.getenv(variable);
    if (value == null) {
      throw new IllegalStateException(
          "The environment variable " + variable + " that should hold the cluster secret is not set; "
              + HOW_TO_MAKE + ", and set " + variable + " to its content");
    }
    return of(trim(value.getBytes(StandardCharsets.UTF_8)), "the environment variable " + variable);
  }

  /**
   * A new random secret, for a cluster whose members and pools all run in this JVM (tests, an
   * application that starts its own members): no one else can know it.
   *
   * @return a secret of {@value #MIN_LENGTH} random bytes
   */
  public static ClusterSecret random() {
    byte[] bytes = new byte[MIN_LENGTH];
    RANDOM.nextBytes(bytes);
    return new ClusterSecret(bytes, "random");
  }

  /**
   * No secret: members run whatever chunk reaches them, and pools accept whatever answer comes
   * back, as on a cluster before secrets existed. Only for a network where everyone who can reach
   * the members' ports may run code on them (a developer's machine, a closed test network). The
   * deserialization filter stays on. Members and pools must agree: a pool without a secret cannot
   * use members that have one, nor the other way round.
   *
   * @return the absence of a secret
   */
  public static ClusterSecret insecureNone() {
    return new ClusterSecret(null, "none (insecure)");
  }

  private static ClusterSecret of(byte[] bytes, String origin) {
    if (bytes.length < MIN_LENGTH) {
      throw new IllegalArgumentException(
          "The cluster secret from " + origin + " has " + bytes.length + " bytes; at least " + MIN_LENGTH
              + " are needed: " + HOW_TO_MAKE);
    }
    return new ClusterSecret(bytes, origin);
  }

  private static byte[] trim(byte[] bytes) {
    int from = 0;
    int to = bytes.length;
    while (from < to && Character.isWhitespace(bytes[from])) {
      from++;
    }
    while (to > from && Character.isWhitespace(bytes[to - 1])) {
      to--;
    }
    return Arrays.copyOfRange(bytes, from, to);
  }

  /** The secret of {@code instance}, as {@link ClusterMember#secure} put it there; null if none. */
  static ClusterSecret of(HazelcastInstance instance) {
    Object secret = instance.getUserContext().get(CONTEXT_KEY);
    return secret instanceof ClusterSecret known ? known : null;
  }

  /** Whether this is {@link #insecureNone()}. */
  boolean isInsecure() {
    return key == null;
  }

  /** Whether the secret's bytes are those of {@code text}, a cluster name. */
  boolean is(String text) {
    return key != null && MessageDigest.isEqual(key.getEncoded(), text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The HMAC-SHA256 of {@code purpose} and {@code parts}, each preceded by its length so that no
   * two different lists have the same input; an empty array without a secret.
   */
  byte[] sign(String purpose, byte[]... parts) {
    if (key == null) {
      return new byte[0];
    }
    try {
      Mac mac = Mac.getInstance(ALGORITHM); // not thread-safe: one per message
      mac.init(key);
      update(mac, purpose.getBytes(StandardCharsets.UTF_8));
      for (byte[] part : parts) {
        update(mac, part);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /** Whether {@code mac} is {@link #sign}'s for these parts, in constant time; always without a secret. */
  boolean verifies(byte[] mac, String purpose, byte[]... parts) {
    return key == null || (mac != null && MessageDigest.isEqual(mac, sign(purpose, parts)));
  }

  private static void update(Mac mac, byte[] part) {
    mac.update(ByteBuffer.allocate(Integer.BYTES).putInt(part.length).array());
    mac.update(part);
  }

  /** {@code value} as 8 bytes, to sign with other parts. */
  static byte[] bytes(long value) {
    return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }

  /** {@code value} as UTF-8, to sign with other parts. */
  static byte[] bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code count} random bytes, for challenges and session ids. */
  static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  /**
   * Where the secret came from, never its bytes.
   *
   * @return e.g. {@code ClusterSecret[from the file /etc/render/cluster.secret]}
   */
  @Override
  public String toString() {
    return "ClusterSecret[" + (origin.startsWith("the ") ? "from " : "") + origin + "]";
  }
}

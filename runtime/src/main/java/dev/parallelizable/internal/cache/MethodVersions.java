package dev.parallelizable.internal.cache;

import dev.parallelizable.TaskMethod;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which version of a method a cache key names. A method's source fingerprint, when the annotation
 * processor computed one; otherwise {@code class:} and the first 64 bits of the SHA-256 of its
 * declaring class's class file, read through the class loader of the method's generated invoker, so
 * that recompiling an edited class makes the entries of the old one misses all the same. The file
 * is read once per class (per invoker class, which each class loader has its own of). Where it
 * cannot be read, the method has no version, and the cache must not cache it.
 *
 * <p>Thread-safe.
 */
final class MethodVersions {
  private static final ClassValue<Map<String, Optional<String>>> CLASS_FILE_DIGESTS =
      new ClassValue<>() {
        @Override
        protected Map<String, Optional<String>> computeValue(Class<?> invoker) {
          return new ConcurrentHashMap<>();
        }
      };

  private MethodVersions() {}

  /**
   * The version of {@code method}: its source fingerprint, or a digest of its class file.
   *
   * @return the version; empty if the method has no fingerprint and its class file cannot be read
   */
  static Optional<String> of(TaskMethod<?> method) {
    String fingerprint = method.fingerprint();
    if (!fingerprint.isEmpty()) {
      return Optional.of(fingerprint);
    }
    Class<?> invoker = method.invoker().getClass();
    return CLASS_FILE_DIGESTS
        .get(invoker)
        .computeIfAbsent(method.declaringClass(), name -> classFileDigest(invoker.getClassLoader(), name));
  }

  private static Optional<String> classFileDigest(ClassLoader loader, String binaryName) {
    String resource = binaryName.replace('.', '/') + ".class";
    try (InputStream in =
        loader == null ? ClassLoader.getSystemResourceAsStream(resource) : loader.getResourceAsStream(resource)) {
      if (in == null) {
        return Optional.empty();
      }
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(in.readAllBytes());
      return Optional.of(String.format("class:%016x", ByteBuffer.wrap(digest).getLong()));
    } catch (IOException | RuntimeException unreadable) {
      return Optional.empty();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java platform has SHA-256", e);
    }
  }
}

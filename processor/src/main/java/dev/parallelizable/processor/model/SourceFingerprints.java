package dev.parallelizable.processor.model;

import com.sun.source.tree.Tree;
import com.sun.source.util.Trees;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.ExecutableElement;

/**
 * Computes the fingerprint of a method's source: the first 64 bits of the SHA-256 of its source tree
 * printed back by the compiler, which gives the declaration (annotations, modifiers, signature) and
 * the body in a normal form. Comments, blank lines and indentation therefore do not count; any
 * other edit of the method does. What the method calls or reads is not part of it.
 *
 * <p>The tree is a javac API, found through {@link CompilerTrees} also where a build tool (Gradle,
 * IntelliJ) wraps javac's environment. Where there is none (another compiler, or a wrapper that
 * hides javac's environment), every fingerprint is 0 (none), and the generated code passes none:
 * the result cache then keys the method by its class file instead. For the processing thread only,
 * like the tree API it uses.
 */
public final class SourceFingerprints {
  private final Trees trees;

  private SourceFingerprints(Trees trees) {
    this.trees = trees;
  }

  /**
   * Fingerprints for javac's environment or a wrapper of it, or ones that are all 0 where no
   * source tree can be had.
   *
   * @param environment the processor's environment
   * @return a new instance
   */
  public static SourceFingerprints create(ProcessingEnvironment environment) {
    return new SourceFingerprints(CompilerTrees.of(environment).orElse(null));
  }

  /**
   * An instance whose fingerprints are all 0, for callers with no processing environment.
   *
   * @return an instance that computes no fingerprint
   */
  public static SourceFingerprints none() {
    return new SourceFingerprints(null);
  }

  /**
   * The fingerprint of {@code method}'s source.
   *
   * @param method a method of a class being compiled
   * @return the fingerprint, never 0 when the source tree is available; 0 when it is not
   */
  public long of(ExecutableElement method) {
    Tree tree = trees == null ? null : trees.getTree(method);
    if (tree == null) {
      return 0L;
    }
    String text = tree.toString().replace("\r\n", "\n").strip();
    long hash = ByteBuffer.wrap(sha256(text.getBytes(StandardCharsets.UTF_8))).getLong();
    return hash == 0 ? 1 : hash;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java platform has SHA-256", e);
    }
  }
}

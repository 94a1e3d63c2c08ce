package dev.parallelizable.internal.protocol;

import dev.parallelizable.Codec;
import dev.parallelizable.ParallelException;
import dev.parallelizable.RemoteException;

/**
 * An exception as a worker sent it ({@link Protocol#readEncodedFailure}): its structure, built
 * without running any code of the exception's classes, and the codec's bytes of the exception
 * itself, decoded only by {@link #decode}, which runs the classes' code (a {@code readObject}).
 * Decoded at most once.
 */
public final class EncodedFailure {
  /** The class names, messages and stacks of the exception and its causes; null if none was sent. */
  private final RemoteException structure;
  /** The codec's bytes of the exception; null if the worker could not encode it. */
  private final byte[] original;
  /** Why the worker could not encode it, when {@link #original} is null. */
  private final String problem;

  EncodedFailure(RemoteException structure, byte[] original, String problem) {
    this.structure = structure;
    this.original = original;
    this.problem = problem;
  }

  /**
   * The structure alone: a {@link RemoteException} chain with the exception's and its causes' class
   * names, messages and stacks; a placeholder if the worker sent none. Runs no code of theirs.
   */
  public RemoteException structure() {
    return structure != null ? structure : new RemoteException("<unknown>", "the worker sent no exception");
  }

  /**
   * The exception: the original where the codec decodes it with {@code loader}, else the {@link
   * #structure()}, with a suppressed {@link ParallelException} saying why the original did not
   * cross. Runs the exception's decoding code: never on a thread that reads a worker's frames.
   */
  public Throwable decode(Codec codec, ClassLoader loader) {
    String why = problem;
    if (original != null) {
      try {
        Object decoded = Protocol.decode(original, codec, loader);
        if (decoded instanceof Throwable throwable) {
          return throwable;
        }
        why = "it decoded as " + (decoded == null ? "null" : decoded.getClass().getName());
      } catch (DecodeException e) {
        why = "it could not be decoded here: " + e.getCause();
      }
    }
    RemoteException standIn = structure();
    if (structure != null) {
      standIn.addSuppressed(
          new ParallelException("This stands for the worker's exception, which did not cross as is: " + why));
    }
    return standIn;
  }
}

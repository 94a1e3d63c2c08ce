package dev.parallelizable.internal.protocol;

/**
 * One value could not be decoded: the codec threw, or rejected it, or whatever the value's own
 * {@code readObject} ran threw (any {@link Throwable}, an {@link Error} included, is the {@linkplain
 * #getCause() cause}). The frame around the value is intact and the input has moved past the
 * value, so the channel goes on: the caller fails the task that the value belongs to, and no
 * other.
 *
 * <p>Thrown by {@link Protocol#decodeValue}; a broken frame is an {@link java.io.IOException}
 * instead.
 */
public final class DecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  DecodeException(Throwable cause) {
    super(cause.toString(), cause);
  }
}

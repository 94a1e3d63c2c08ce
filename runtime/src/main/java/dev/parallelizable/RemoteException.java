package dev.parallelizable;

/**
 * Stands for an exception thrown in a worker JVM whose class could not be decoded in the caller. It
 * carries the original class name and message, and the original stack trace as its own.
 */
public class RemoteException extends ParallelException {
  private static final long serialVersionUID = 1L;
  /** The class name of the exception thrown in the worker. */
  private final String remoteClassName;

  /**
   * Creates an exception that stands for one thrown in a worker whose class cannot be decoded here.
   *
   * @param remoteClassName the class name of the exception thrown in the worker
   * @param message its message; may be null
   */
  public RemoteException(String remoteClassName, String message) {
    super(remoteClassName + (message == null ? "" : ": " + message));
    this.remoteClassName = remoteClassName;
  }

  /**
   * The class name of the exception thrown in the worker.
   *
   * @return the exception's binary class name, such as {@code com.example.QuotaException}
   */
  public String remoteClassName() {
    return remoteClassName;
  }
}

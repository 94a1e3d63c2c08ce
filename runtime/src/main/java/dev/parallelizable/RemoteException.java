package dev.parallelizable;

/**
 * Stands for an exception thrown in a worker JVM whose class could not be decoded in the caller. It
 * carries the original class name and message, and the original stack trace as its own.
 */
public class RemoteException extends ParallelException {
  private static final long serialVersionUID = 1L;
  private final String remoteClassName;

  public RemoteException(String remoteClassName, String message) {
    super(remoteClassName + (message == null ? "" : ": " + message));
    this.remoteClassName = remoteClassName;
  }

  /** The class name of the exception thrown in the worker. */
  public String remoteClassName() {
    return remoteClassName;
  }
}

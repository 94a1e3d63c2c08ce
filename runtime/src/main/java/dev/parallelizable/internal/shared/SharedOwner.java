package dev.parallelizable.internal.shared;

/** Holds files of {@link dev.parallelizable.SharedData} handles: a process pool's {@link SharedFiles}. */
public interface SharedOwner {
  /** Deletes the file of handle {@code id}, if there is one; called when the handle is closed. */
  void release(long id);
}

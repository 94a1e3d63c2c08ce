package dev.parallelizable.internal.process;

import dev.parallelizable.internal.protocol.Protocol;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A warm worker that this JVM claimed ({@link WarmWorkers#claim}) but did not start: a {@link
 * Process} over its {@link ProcessHandle}, so that {@link WorkerJvm} serves it as one it started.
 * Its "standard input" is the claim written to the worker's door: this JVM's pid and directory of
 * shared data, then what the parent writes, the token, sent in one write when flushed. Its output
 * is read from the named pipes of its directory (see {@link WorkerJvm}), so the streams here are
 * empty. Its exit status cannot be read (it is not this JVM's child): {@link #exitValue()} is 0
 * once it is gone, and the pool reports "exit status unknown" for it.
 */
final class AttachedProcess extends Process {
  private final ProcessHandle handle;
  private final Door door;

  AttachedProcess(ProcessHandle handle, Path directory, Path sharedDirectory) {
    this.handle = handle;
    this.door = new Door(directory.resolve(Protocol.WARM_DOOR), sharedDirectory);
  }

  /** Buffers the claim and writes it to the door, opened for reading and writing so that it never blocks. */
  private static final class Door extends OutputStream {
    private final Path path;
    private final ByteArrayOutputStream claim = new ByteArrayOutputStream(128);
    private boolean sent;

    Door(Path path, Path sharedDirectory) {
      this.path = path;
      String header = ProcessHandle.current().pid() + "\n" + (sharedDirectory == null ? "" : sharedDirectory) + "\n";
      claim.writeBytes(header.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public synchronized void write(int b) {
      claim.write(b);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
      claim.write(bytes, offset, length);
    }

    @Override
    public synchronized void flush() throws IOException {
      if (sent) {
        return;
      }
      sent = true;
      try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        ByteBuffer bytes = ByteBuffer.wrap(claim.toByteArray());
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
      }
    }
  }

  @Override
  public OutputStream getOutputStream() {
    return door;
  }

  @Override
  public InputStream getInputStream() {
    return InputStream.nullInputStream();
  }

  @Override
  public InputStream getErrorStream() {
    return InputStream.nullInputStream();
  }

  @Override
  public int waitFor() throws InterruptedException {
    waitFor(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    return 0;
  }

  @Override
  public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
    try {
      handle.onExit().get(timeout, unit);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public int exitValue() {
    if (handle.isAlive()) {
      throw new IllegalThreadStateException("process " + handle.pid() + " has not exited");
    }
    return 0;
  }

  @Override
  public void destroy() {
    handle.destroy();
  }

  @Override
  public Process destroyForcibly() {
    handle.destroyForcibly();
    return this;
  }

  @Override
  public boolean isAlive() {
    return handle.isAlive();
  }

  @Override
  public long pid() {
    return handle.pid();
  }

  @Override
  public ProcessHandle toHandle() {
    return handle;
  }

  @Override
  public CompletableFuture<Process> onExit() {
    return handle.onExit().thenApply(exited -> this);
  }
}

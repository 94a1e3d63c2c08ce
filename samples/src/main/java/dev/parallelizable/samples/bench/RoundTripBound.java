package dev.parallelizable.samples.bench;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * W5's bound for processes: the round trip of an 8-byte message to a child JVM that echoes it, over
 * a pair of named pipes as a process pool's channel, by the same threads a process pool uses. The caller writes; a reader
 * thread of the parent reads the answer and completes a future the caller waits on. The child
 * reads and answers in its main thread. Nothing is encoded, scheduled or counted, so no pool that
 * keeps a result reader thread can answer faster on the same machine.
 */
final class RoundTripBound implements AutoCloseable {
  private final Path directory;
  private final Process child;
  /** The pipe to the child, and the one from it. */
  private final FileChannel toChild;
  private final FileChannel fromChild;
  private final LinkedBlockingQueue<CompletableFuture<Long>> waiting = new LinkedBlockingQueue<>();
  private final ByteBuffer out = ByteBuffer.allocateDirect(8);

  RoundTripBound() throws IOException {
    directory = Files.createTempDirectory("w5-bound");
    Path down = directory.resolve("d");
    Path up = directory.resolve("u");
    try {
      if (new ProcessBuilder("mkfifo", "-m", "600", down.toString(), up.toString()).inheritIO().start().waitFor() != 0) {
        throw new IOException("mkfifo could not make the pipes in " + directory);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while making the pipes", e);
    }
    // Open for reading and writing, as a pool holds them, so that neither side's open blocks.
    toChild = FileChannel.open(down, StandardOpenOption.READ, StandardOpenOption.WRITE);
    fromChild = FileChannel.open(up, StandardOpenOption.READ, StandardOpenOption.WRITE);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // The options a pool gives its workers by default, so that the two JVMs differ in nothing else.
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(StartWorkloads.WORKER_OPTIONS);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        RoundTripBound.class.getName(), down.toString(), up.toString()));
    child = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    Thread reader = new Thread(this::readAnswers, "w5-bound-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Sends {@code value} and waits for the child's echo. */
  long call(long value) throws IOException, InterruptedException, ExecutionException {
    CompletableFuture<Long> answer = new CompletableFuture<>();
    waiting.add(answer);
    out.clear();
    out.putLong(value).flip();
    while (out.hasRemaining()) {
      toChild.write(out);
    }
    return answer.get();
  }

  private void readAnswers() {
    ByteBuffer in = ByteBuffer.allocateDirect(8);
    try {
      while (true) {
        in.clear();
        while (in.hasRemaining()) {
          if (fromChild.read(in) < 0) {
            return;
          }
        }
        waiting.take().complete(in.getLong(0));
      }
    } catch (IOException | InterruptedException e) {
      // closed: the measurement is over
    }
  }

  @Override
  public void close() throws IOException {
    toChild.close(); // the child reads the end of its input and exits
    try {
      child.waitFor();
    } catch (InterruptedException e) {
      child.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    fromChild.close();
    Files.deleteIfExists(directory.resolve("d"));
    Files.deleteIfExists(directory.resolve("u"));
    Files.deleteIfExists(directory);
  }

  /** The child: echoes every 8 bytes it reads from the first pipe to the second, until the first ends. */
  public static void main(String[] args) throws IOException {
    try (ReadableByteChannel in = new FileInputStream(args[0]).getChannel();
        WritableByteChannel out = new FileOutputStream(args[1]).getChannel()) {
      ByteBuffer buffer = ByteBuffer.allocateDirect(8);
      while (true) {
        buffer.clear();
        while (buffer.hasRemaining()) {
          if (in.read(buffer) < 0) {
            return;
          }
        }
        buffer.flip();
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
      }
    }
  }
}

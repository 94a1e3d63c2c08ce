package dev.parallelizable.samples.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * W5's bound for processes: the round trip of an 8-byte message to a child JVM that echoes it, over
 * a Unix domain socket, by the same threads a process pool uses. The caller writes; a reader
 * thread of the parent reads the answer and completes a future the caller waits on. The child
 * reads and answers in its main thread. Nothing is encoded, scheduled or counted, so no pool that
 * keeps a result reader thread can answer faster on the same machine.
 */
final class RoundTripBound implements AutoCloseable {
  private final Path directory;
  private final ServerSocketChannel server;
  private final Process child;
  private final SocketChannel channel;
  private final LinkedBlockingQueue<CompletableFuture<Long>> waiting = new LinkedBlockingQueue<>();
  private final ByteBuffer out = ByteBuffer.allocateDirect(8);

  RoundTripBound() throws IOException {
    directory = Files.createTempDirectory("w5-bound");
    Path socket = directory.resolve("socket");
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        RoundTripBound.class.getName(), socket.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    channel = server.accept();
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
      channel.write(out);
    }
    return answer.get();
  }

  private void readAnswers() {
    ByteBuffer in = ByteBuffer.allocateDirect(8);
    try {
      while (true) {
        in.clear();
        while (in.hasRemaining()) {
          if (channel.read(in) < 0) {
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
    channel.close();
    server.close();
    try {
      child.waitFor();
    } catch (InterruptedException e) {
      child.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    Files.deleteIfExists(directory.resolve("socket"));
    Files.deleteIfExists(directory);
  }

  /** The child: echoes every 8 bytes it reads until the parent closes the socket. */
  public static void main(String[] args) throws IOException {
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(Path.of(args[0])))) {
      ByteBuffer buffer = ByteBuffer.allocateDirect(8);
      while (true) {
        buffer.clear();
        while (buffer.hasRemaining()) {
          if (channel.read(buffer) < 0) {
            return;
          }
        }
        buffer.flip();
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      }
    }
  }
}

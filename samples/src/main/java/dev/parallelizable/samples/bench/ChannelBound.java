package dev.parallelizable.samples.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The floor of a process pool's map of tiny tasks: the bytes such a map moves, over the channel
 * it moves them on (a Unix domain socket per worker), and nothing else. Each of {@code workers}
 * peers, a thread at the other end of its own socket, reads the arguments of a chunk ({@code
 * argumentBytes} per task) and answers with its results ({@code resultBytes} per task); the caller
 * side of each socket sends the chunks one after the other and reads each answer. No encoding, no
 * task, no second JVM: what is left of a map's time above this is ours. Not thread-safe; close it.
 */
final class ChannelBound implements AutoCloseable {
  private final List<SocketChannel> callers = new ArrayList<>();
  private final List<Thread> peers = new ArrayList<>();
  private final Path directory;
  private final int argumentBytes;
  private final int resultBytes;

  ChannelBound(int workers, int argumentBytes, int resultBytes) throws IOException {
    this.argumentBytes = argumentBytes;
    this.resultBytes = resultBytes;
    directory = Files.createTempDirectory("channel-bound");
    for (int w = 0; w < workers; w++) {
      Path socket = directory.resolve("peer-" + w);
      try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
        server.bind(UnixDomainSocketAddress.of(socket));
        SocketChannel caller = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        SocketChannel peer = server.accept();
        callers.add(caller);
        Thread thread = new Thread(() -> answer(peer), "channel-bound-peer-" + w);
        thread.setDaemon(true);
        thread.start();
        peers.add(thread);
      }
      Files.deleteIfExists(socket);
    }
  }

  /** The peer: reads a chunk's head (its task count) and arguments, writes its results. */
  private void answer(SocketChannel peer) {
    ByteBuffer head = ByteBuffer.allocate(4);
    ByteBuffer in = ByteBuffer.allocateDirect(1 << 16);
    ByteBuffer out = ByteBuffer.allocate(0);
    try (peer) {
      while (true) {
        head.clear();
        if (!readFully(peer, head)) {
          return;
        }
        int tasks = head.flip().getInt();
        long left = (long) tasks * argumentBytes;
        while (left > 0) {
          in.clear().limit((int) Math.min(in.capacity(), left));
          if (peer.read(in) < 0) {
            return;
          }
          left -= in.position();
        }
        if (out.capacity() < tasks * resultBytes) {
          out = ByteBuffer.allocate(tasks * resultBytes);
        }
        out.clear().limit(tasks * resultBytes);
        while (out.hasRemaining()) {
          peer.write(out);
        }
      }
    } catch (IOException e) {
      // the caller closed its side
    }
  }

  private static boolean readFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Moves the bytes of a map of {@code tasks} tasks in chunks of {@code chunk} tasks, the workers'
   * sockets in parallel (the calling thread, and one thread for each other worker), and returns when every answer was read.
   */
  void move(int tasks, int chunk) {
    int workers = callers.size();
    Thread[] threads = new Thread[workers];
    for (int w = workers - 1; w >= 0; w--) {
      SocketChannel caller = callers.get(w);
      int share = (int) ((long) tasks * (w + 1) / workers - (long) tasks * w / workers);
      Runnable exchange = () -> {
        try {
          ByteBuffer request = ByteBuffer.allocate(4 + chunk * argumentBytes);
          ByteBuffer answer = ByteBuffer.allocate(chunk * resultBytes);
          for (int sent = 0; sent < share; sent += chunk) {
            int count = Math.min(chunk, share - sent);
            request.clear().putInt(count).position(4 + count * argumentBytes).flip();
            while (request.hasRemaining()) {
              caller.write(request);
            }
            answer.clear().limit(count * resultBytes);
            if (!readFully(caller, answer)) {
              throw new IOException("the peer closed its socket");
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      };
      if (w == 0) {
        exchange.run(); // the calling thread's own share, the others' threads started
      } else {
        threads[w] = new Thread(exchange);
        threads[w].start();
      }
    }
    for (int w = 1; w < workers; w++) {
      try {
        threads[w].join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  @Override
  public void close() {
    for (SocketChannel caller : callers) {
      try {
        caller.close();
      } catch (IOException e) {
        // closing: nothing to do
      }
    }
    for (Thread peer : peers) {
      try {
        peer.join(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      // a temporary directory left behind
    }
  }
}

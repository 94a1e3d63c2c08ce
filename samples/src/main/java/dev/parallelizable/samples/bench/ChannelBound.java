package dev.parallelizable.samples.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The floor of a process pool's map of tiny tasks: the bytes such a map moves, over the channel
 * it moves them on, and nothing else. As a worker's channel, each of {@code workers} links is a
 * pair of pipes, one per direction, with a Unix domain socket beside them for messages longer than
 * {@value #BULK_BYTES} bytes: a chunk's head (its task count) always crosses the pipe, and its
 * arguments ({@code argumentBytes} per task) and the peer's results ({@code resultBytes} per task)
 * cross the pipe or, when longer, the socket. A thread at the other end of each link answers; the
 * caller side of each link sends the chunks one after the other and reads each answer. No
 * encoding, no task, no second JVM: what is left of a map's time above this is ours. Not
 * thread-safe; close it.
 */
final class ChannelBound implements AutoCloseable {
  /** Longer messages cross the socket, as a pool's frames do: a pipe's capacity. */
  static final int BULK_BYTES = 64 * 1024;

  private final List<Link> links = new ArrayList<>();
  private final List<Thread> peers = new ArrayList<>();
  private final Path directory;
  private final int argumentBytes;
  private final int resultBytes;

  /** One end of a link: the pipe it reads, the pipe it writes, and the socket beside them. */
  private static final class End {
    final ReadableByteChannel pipeIn;
    final WritableByteChannel pipeOut;
    final SocketChannel socket;

    End(ReadableByteChannel pipeIn, WritableByteChannel pipeOut, SocketChannel socket) {
      this.pipeIn = pipeIn;
      this.pipeOut = pipeOut;
      this.socket = socket;
    }

    ReadableByteChannel in(long bytes) {
      return bytes > BULK_BYTES ? socket : pipeIn;
    }

    WritableByteChannel out(long bytes) {
      return bytes > BULK_BYTES ? socket : pipeOut;
    }

    void close() {
      for (java.nio.channels.Channel channel : new java.nio.channels.Channel[] {pipeIn, pipeOut, socket}) {
        try {
          channel.close();
        } catch (IOException e) {
          // closing: nothing to do
        }
      }
    }
  }

  private static final class Link {
    final End caller;
    final End peer;

    Link(End caller, End peer) {
      this.caller = caller;
      this.peer = peer;
    }
  }

  ChannelBound(int workers, int argumentBytes, int resultBytes) throws IOException {
    this.argumentBytes = argumentBytes;
    this.resultBytes = resultBytes;
    directory = Files.createTempDirectory("channel-bound");
    for (int w = 0; w < workers; w++) {
      Path socket = directory.resolve("peer-" + w);
      try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
        server.bind(UnixDomainSocketAddress.of(socket));
        SocketChannel callerSocket = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        SocketChannel peerSocket = server.accept();
        Pipe toPeer = Pipe.open();
        Pipe toCaller = Pipe.open();
        Link link = new Link(
            new End(toCaller.source(), toPeer.sink(), callerSocket),
            new End(toPeer.source(), toCaller.sink(), peerSocket));
        links.add(link);
        Thread thread = new Thread(() -> answer(link.peer), "channel-bound-peer-" + w);
        thread.setDaemon(true);
        thread.start();
        peers.add(thread);
      }
      Files.deleteIfExists(socket);
    }
  }

  /** The peer: reads a chunk's head (its task count) and arguments, writes its results. */
  private void answer(End peer) {
    ByteBuffer head = ByteBuffer.allocate(4);
    ByteBuffer in = ByteBuffer.allocateDirect(1 << 16);
    ByteBuffer out = ByteBuffer.allocate(0);
    try {
      while (true) {
        head.clear();
        if (!readFully(peer.pipeIn, head)) {
          return;
        }
        int tasks = head.flip().getInt();
        long left = (long) tasks * argumentBytes;
        ReadableByteChannel arguments = peer.in(left);
        while (left > 0) {
          in.clear().limit((int) Math.min(in.capacity(), left));
          if (arguments.read(in) < 0) {
            return;
          }
          left -= in.position();
        }
        if (out.capacity() < tasks * resultBytes) {
          out = ByteBuffer.allocate(tasks * resultBytes);
        }
        out.clear().limit(tasks * resultBytes);
        WritableByteChannel results = peer.out(out.remaining());
        while (out.hasRemaining()) {
          results.write(out);
        }
      }
    } catch (IOException e) {
      // the caller closed its side
    } finally {
      peer.close();
    }
  }

  private static boolean readFully(ReadableByteChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Moves the bytes of a map of {@code tasks} tasks in chunks of {@code chunk} tasks, the workers'
   * links in parallel (the calling thread, and one thread for each other worker), and returns when
   * every answer was read.
   */
  void move(int tasks, int chunk) {
    int workers = links.size();
    Thread[] threads = new Thread[workers];
    for (int w = workers - 1; w >= 0; w--) {
      End caller = links.get(w).caller;
      int share = (int) ((long) tasks * (w + 1) / workers - (long) tasks * w / workers);
      Runnable exchange = () -> {
        try {
          ByteBuffer head = ByteBuffer.allocate(4);
          ByteBuffer arguments = ByteBuffer.allocate(chunk * argumentBytes);
          ByteBuffer answer = ByteBuffer.allocate(chunk * resultBytes);
          for (int sent = 0; sent < share; sent += chunk) {
            int count = Math.min(chunk, share - sent);
            head.clear().putInt(count).flip();
            while (head.hasRemaining()) {
              caller.pipeOut.write(head);
            }
            arguments.clear().limit(count * argumentBytes);
            WritableByteChannel out = caller.out(arguments.remaining());
            while (arguments.hasRemaining()) {
              out.write(arguments);
            }
            answer.clear().limit(count * resultBytes);
            if (!readFully(caller.in(answer.remaining()), answer)) {
              throw new IOException("the peer closed its side");
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
    for (Link link : links) {
      link.caller.close();
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

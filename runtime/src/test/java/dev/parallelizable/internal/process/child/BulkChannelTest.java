package dev.parallelizable.internal.process.child;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.internal.protocol.Connection;
import dev.parallelizable.internal.protocol.FrameOutput;
import dev.parallelizable.internal.protocol.Protocol;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bulk socket beside a worker's pipes, end to end between two {@link Connection}s over pipes in
 * one JVM: set up by the first large frame, refused to a peer without the token, and carrying large
 * frames in order with the small ones on the pipes.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BulkChannelTest {
  private static final byte[] TOKEN = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte RESULTS = Protocol.RESULTS;

  @TempDir Path directory;
  private Connection parent;
  private Connection worker;
  private Path socket;
  private final List<SocketChannel> opened = new ArrayList<>();

  @BeforeEach
  void connect() throws IOException {
    Pipe up = Pipe.open();
    Pipe down = Pipe.open();
    parent = new Connection(up.source(), down.sink());
    worker = new Connection(down.source(), up.sink());
    socket = directory.resolve(Protocol.CHANNEL_BULK);
    worker.startOnLargeFrame(new BulkChannel(worker, socket, TOKEN));
  }

  @AfterEach
  void close() throws IOException {
    parent.close();
    worker.close();
    for (SocketChannel channel : opened) {
      channel.close();
    }
  }

  @Test
  void theFirstLargeFrameSetsUpTheSocketWhichThenCarriesLargeFramesBothWaysInOrder() throws Exception {
    byte[] first = bytes(100_000, 1);
    CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> send(worker, RESULTS, 1, first));
    assertFrame(parent.receive(), RESULTS, 1, first); // crossed the pipe: there was no socket yet
    sent.get(10, TimeUnit.SECONDS);
    assertEquals(Protocol.BULK_READY, parent.receive().type);
    assertTrue(Files.exists(socket), "the worker listens");

    SocketChannel bulk = connectWith(TOKEN);
    parent.receiveBulkFrom(bulk);
    assertEquals(Protocol.BULK_ACCEPTED, parent.receive().type);
    parent.sendBulkTo(bulk);
    assertFalse(Files.exists(socket), "the socket file is deleted once the parent is in");

    byte[] large = bytes(3 << 20, 2);
    byte[] small = bytes(10, 3);
    CompletableFuture<Void> parentSends = CompletableFuture.runAsync(() -> {
      send(parent, Protocol.RUN, 7, large);
      send(parent, Protocol.RUN, 8, small);
      send(parent, Protocol.RUN, 9, large);
    });
    assertFrame(worker.receive(), Protocol.RUN, 7, large);
    assertFrame(worker.receive(), Protocol.RUN, 8, small);
    assertFrame(worker.receive(), Protocol.RUN, 9, large);
    parentSends.get(10, TimeUnit.SECONDS);

    CompletableFuture<Void> workerSends = CompletableFuture.runAsync(() -> {
      send(worker, RESULTS, 10, small);
      send(worker, RESULTS, 11, large);
    });
    assertFrame(parent.receive(), RESULTS, 10, small);
    assertFrame(parent.receive(), RESULTS, 11, large);
    workerSends.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aPeerWithoutTheTokenIsClosedAndTheParentAcceptedAfterIt() throws Exception {
    largeFrameFromTheWorker();
    SocketChannel intruder = connectWith(new byte[TOKEN.length]);
    ByteBuffer nothing = ByteBuffer.allocate(1);
    assertEquals(-1, intruder.read(nothing), "the worker closed the connection without the token");

    SocketChannel bulk = connectWith(TOKEN);
    parent.receiveBulkFrom(bulk);
    assertEquals(Protocol.BULK_ACCEPTED, parent.receive().type);
  }

  @Test
  void aSilentPeerLeavesLargeFramesOnThePipesAndNothingHangs() throws Exception {
    largeFrameFromTheWorker();
    connectWith(null); // connects first and says nothing: the worker's thread waits on it
    connectWith(TOKEN);
    byte[] large = bytes(1 << 20, 4);
    CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> send(parent, Protocol.RUN, 5, large));
    assertFrame(worker.receive(), Protocol.RUN, 5, large); // no BULK_ACCEPTED came: the pipe carried it
    sent.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aBulkMarkerWithoutABulkSocketIsACorruptChannel() throws Exception {
    send(parent, Protocol.BULK, 0, new byte[0]);
    IOException corrupt = assertThrows(IOException.class, worker::receive);
    assertEquals("A bulk frame came before the bulk socket was set up", corrupt.getMessage());
  }

  /** The worker sends a large frame over the pipe, the parent reads it and the worker's BULK_READY. */
  private void largeFrameFromTheWorker() throws Exception {
    byte[] first = bytes(100_000, 1);
    CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> send(worker, RESULTS, 1, first));
    assertFrame(parent.receive(), RESULTS, 1, first);
    sent.get(10, TimeUnit.SECONDS);
    assertEquals(Protocol.BULK_READY, parent.receive().type);
  }

  /** Connects to the worker's bulk socket and sends a HELLO with {@code token}; null: sends nothing. */
  private SocketChannel connectWith(byte[] token) throws IOException {
    SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    opened.add(channel);
    if (token != null) {
      ByteBuffer hello = Protocol.hello(token);
      while (hello.hasRemaining()) {
        channel.write(hello);
      }
    }
    return channel;
  }

  private static void send(Connection connection, byte type, long id, byte[] body) {
    FrameOutput out = new FrameOutput(body.length + 16);
    out.write(body, 0, body.length);
    try {
      connection.send(type, id, out);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void assertFrame(Connection.Frame frame, byte type, long id, byte[] body) throws IOException {
    assertEquals(type, frame.type);
    assertEquals(id, frame.id);
    assertEquals(body.length, frame.body.available());
    assertArrayEquals(body, frame.body.readBytes(body.length));
  }

  private static byte[] bytes(int length, int seed) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) seed);
    for (int i = 0; i < length; i += 4099) {
      bytes[i] = (byte) (i * 31 + seed);
    }
    return bytes;
  }
}

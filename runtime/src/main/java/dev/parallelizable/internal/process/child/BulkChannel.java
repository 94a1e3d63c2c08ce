package dev.parallelizable.internal.process.child;

import dev.parallelizable.internal.protocol.Connection;
import dev.parallelizable.internal.protocol.Protocol;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * The worker's side of the bulk socket (see {@link Connection}): started the first time a frame
 * longer than {@link Connection#BULK_BYTES} crosses the worker's pipes, off the path of the task
 * that sent or received it. It listens on the socket {@value Protocol#CHANNEL_BULK} in the worker's
 * directory, tells the parent ({@link Protocol#BULK_READY}), and accepts connections until one
 * presents the worker's token in a HELLO, which the parent sends at once; then it deletes the
 * socket file, hands the socket to the connection for both directions and tells the parent ({@link
 * Protocol#BULK_ACCEPTED}). A connection without the token (another process of the user) is closed,
 * and the next one accepted.
 *
 * <p>Any failure leaves the worker without a bulk socket: large frames keep crossing the pipes,
 * only slower. So does a peer that connects first and sends nothing: this daemon thread then waits
 * on it until the worker exits. Nothing is printed: the worker's output is the task's.
 */
final class BulkChannel extends Thread {
  private final Connection connection;
  private final Path socket;
  private final byte[] token;

  BulkChannel(Connection connection, Path socket, byte[] token) {
    super("parallelizable-bulk-channel");
    setDaemon(true);
    this.connection = connection;
    this.socket = socket;
    this.token = token.clone();
  }

  @Override
  public void run() {
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket), 1);
      connection.send(Protocol.BULK_READY, 0, null);
      while (true) {
        SocketChannel peer = server.accept();
        if (presentsToken(peer)) {
          WorkerMain.deleteQuietly(socket); // no one else can connect now
          connection.receiveBulkFrom(peer);
          connection.send(Protocol.BULK_ACCEPTED, 0, null);
          connection.sendBulkTo(peer);
          return;
        }
        peer.close();
      }
    } catch (IOException | RuntimeException e) {
      // No bulk socket: large frames keep crossing the pipes. If the pipes themselves broke, the
      // main thread finds out on its own.
    } finally {
      WorkerMain.deleteQuietly(socket);
    }
  }

  /** Whether the peer's first bytes are a HELLO frame with the token; reads exactly that much. */
  private boolean presentsToken(SocketChannel peer) throws IOException {
    try {
      return Protocol.readHello(peer, token);
    } catch (EOFException e) {
      return false;
    }
  }
}

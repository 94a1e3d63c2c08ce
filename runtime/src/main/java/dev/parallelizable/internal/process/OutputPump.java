package dev.parallelizable.internal.process;

import dev.parallelizable.internal.Loggers;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads a worker's standard output or error line by line, each line prefixed with the worker's
 * name ({@code [worker-2] }), and sends it where the configuration says: to the parent's {@code
 * System.out} or {@code System.err} (bytes copied as they are, so the text keeps the encoding the
 * worker wrote it in, which is the parent's; a line is written with a single call, so lines of
 * different workers never mix), to a consumer of lines, or nowhere. The pump keeps the last lines
 * of standard error, for the message that reports a crash.
 *
 * <p>A consumer that throws is guarded: the failure is logged once per stream and the pump carries
 * on with the next line, since the pipe must be drained or the worker blocks on its next write.
 *
 * <p>It runs on a daemon thread of its own until the stream ends: when the worker and every process
 * that inherited the pipe have exited. A last line without a newline is written then.
 */
final class OutputPump extends Thread {
  private static final int MAX_LINE = 64 * 1024;
  private static final int TAIL_LINES = 12;
  private static final int TAIL_LINE_CHARS = 300;

  private final InputStream source;
  private final boolean standardError;
  private final byte[] prefix;
  private final Charset charset;
  private final ArrayDeque<String> tail = new ArrayDeque<>();
  private final Runnable atEnd;
  private final boolean inherit;
  private final Consumer<String> consumer;
  private boolean consumerFailed;
  private byte[] line;
  private int length;

  /**
   * @param output where lines go
   * @param atEnd runs when the stream has ended, or null
   */
  OutputPump(
      InputStream source,
      String workerName,
      boolean standardError,
      WorkerConfig.Output output,
      Charset charset,
      Runnable atEnd) {
    super("parallelizable-" + workerName + (standardError ? "-stderr" : "-stdout"));
    this.source = source;
    this.standardError = standardError;
    this.prefix = ("[" + workerName + "] ").getBytes(charset);
    this.charset = charset;
    this.atEnd = atEnd;
    this.inherit = output.inherit();
    this.consumer = output.consumer();
    this.line = Arrays.copyOf(prefix, 256);
    this.length = prefix.length;
    setDaemon(true);
  }

  @Override
  public void run() {
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = source.read(buffer)) >= 0) {
        for (int i = 0; i < n; i++) {
          append(buffer[i]);
          if (buffer[i] == '\n' || length - prefix.length >= MAX_LINE) {
            emit();
          }
        }
      }
    } catch (IOException e) {
      // the pipe closed under us: the worker is gone and so is the rest of its output
    } finally {
      if (length > prefix.length) {
        append((byte) '\n');
        emit();
      }
      try {
        source.close();
      } catch (IOException e) {
        // nothing left to release
      }
      if (atEnd != null) {
        atEnd.run();
      }
    }
  }

  private void append(byte b) {
    if (length == line.length) {
      line = Arrays.copyOf(line, line.length * 2);
    }
    line[length++] = b;
  }

  private void emit() {
    if (inherit) {
      PrintStream target = standardError ? System.err : System.out;
      target.write(line, 0, length);
      target.flush();
    }
    int end = length;
    while (end > prefix.length && (line[end - 1] == '\n' || line[end - 1] == '\r')) {
      end--;
    }
    if (consumer != null) {
      deliver(new String(line, 0, end, charset));
    }
    if (standardError) {
      String text = new String(line, prefix.length, end - prefix.length, charset);
      if (text.length() > TAIL_LINE_CHARS) {
        text = text.substring(0, TAIL_LINE_CHARS) + "...";
      }
      synchronized (tail) {
        if (tail.size() == TAIL_LINES) {
          tail.removeFirst();
        }
        tail.addLast(text);
      }
    }
    length = prefix.length;
  }

  private void deliver(String text) {
    try {
      consumer.accept(text);
    } catch (RuntimeException | Error e) {
      if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
        throw (VirtualMachineError) e;
      }
      if (!consumerFailed) {
        consumerFailed = true;
        System.getLogger(Loggers.WORKER_OUTPUT).log(
            System.Logger.Level.WARNING,
            "The worker output consumer " + consumer + " threw on a line of " + getName()
                + "; the line is dropped, and so is every further line it throws on, without"
                + " another report",
            e);
      }
    }
  }

  /** The last lines seen (standard error only), oldest first. */
  List<String> tail() {
    synchronized (tail) {
      return List.copyOf(tail);
    }
  }

  /** Waits at most {@code millis} for the stream to end and its last line to be written. */
  void drain(long millis) {
    try {
      join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

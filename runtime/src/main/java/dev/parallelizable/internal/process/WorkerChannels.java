package dev.parallelizable.internal.process;

import dev.parallelizable.internal.Loggers;
import dev.parallelizable.internal.protocol.Protocol;
import dev.parallelizable.internal.shared.OwnedDirectories;
import java.io.File;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Which channel a worker gets, and its named pipes. A pair of named pipes is the first choice: a
 * worker opens them with the classes that read its standard input, while connecting a Unix domain
 * socket first sets up the JDK's selector provider and a {@code SecureRandom}, tens of milliseconds
 * of every worker's start. Java cannot make a named pipe, so the system's {@code mkfifo} program
 * makes them; where it is not on the {@code PATH} (a distroless image, Windows), or the system
 * property {@value Protocol#CHANNEL_PROPERTY} is {@code socket}, the channel is a socket.
 *
 * <p>Thread-safe: stateless but for the location of {@code mkfifo}, looked up once, and whether it
 * ever failed, a volatile flag.
 */
final class WorkerChannels {
  static final String PIPES = "pipes";
  static final String SOCKET = "socket";
  /** How long {@code mkfifo} may take: it makes a few files. */
  private static final long MKFIFO_TIMEOUT_SECONDS = 10;
  /** The prefix of a worker's directory in the temporary directory. */
  static final String DIRECTORY_PREFIX = "parallelizable-";
  /** The longest socket path accepted everywhere: 104 bytes on macOS, 108 on Linux, with a zero. */
  private static final int MAX_SOCKET_PATH = 100;

  private WorkerChannels() {}

  /** Where {@code mkfifo} is, looked up once, on first use: null if not on the {@code PATH}. */
  private static final class Mkfifo {
    static final Path PROGRAM = File.separatorChar == '/' ? find(System.getenv("PATH")) : null;
  }

  /**
   * The first regular, executable file named {@code mkfifo} (or a link to one) in the directories
   * of {@code path}, a {@code PATH} variable; null if there is none.
   */
  static Path find(String path) {
    if (path == null) {
      return null;
    }
    for (String directory : path.split(File.pathSeparator)) {
      if (directory.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(directory, "mkfifo");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toAbsolutePath();
      }
    }
    return null;
  }

  /**
   * A new worker directory only the user can open, recording this JVM as its owner so that it is
   * swept if this JVM is killed before it deletes it ({@link OwnedDirectories}). In the temporary
   * directory, or in {@code /tmp} when a socket's path would be too long there.
   */
  static Path privateDirectory() throws IOException {
    Path root = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
    int socketPath = root.toString().length() + 1 + OwnedDirectories.nameLength(DIRECTORY_PREFIX) + 2;
    if (socketPath > MAX_SOCKET_PATH && Files.isDirectory(Path.of("/tmp"))) {
      root = Path.of("/tmp");
    }
    return OwnedDirectories.create(root, DIRECTORY_PREFIX);
  }

  /**
   * Checks the system property {@value Protocol#CHANNEL_PROPERTY} when a pool is built.
   *
   * @throws IllegalArgumentException naming the property and the values it takes
   */
  static void checkProperty() {
    String chosen = System.getProperty(Protocol.CHANNEL_PROPERTY);
    if (chosen != null && !chosen.equals(PIPES) && !chosen.equals(SOCKET)) {
      throw new IllegalArgumentException(
          "The system property " + Protocol.CHANNEL_PROPERTY + " is \"" + chosen + "\"; it takes \""
              + PIPES + "\" (named pipes, the default where mkfifo is on the PATH) or \"" + SOCKET
              + "\" (a Unix domain socket)");
    }
  }

  /** Set once {@code mkfifo} failed: from then on workers get a socket. */
  private static volatile boolean pipesFailed;

  /** Whether a worker started now gets named pipes, else a socket. */
  static boolean pipes() {
    return !pipesFailed && !SOCKET.equals(System.getProperty(Protocol.CHANNEL_PROPERTY)) && Mkfifo.PROGRAM != null;
  }

  /**
   * {@code mkfifo} could not make a worker's pipes in {@code directory} (a file system without
   * named pipes): from now on workers get a socket, and the first time this is logged.
   */
  static void pipesFailed(Path directory, IOException problem) {
    if (pipesFailed) {
      return;
    }
    pipesFailed = true;
    System.getLogger(Loggers.PROCESS_POOL).log(
        System.Logger.Level.WARNING,
        "Named pipes could not be made in " + directory + " (" + problem.getMessage() + "); worker"
            + " processes talk over a Unix domain socket from now on, which costs each about 30 ms"
            + " more to start");
  }

  /**
   * Makes the named pipes {@code pipes} (a worker's {@code up} and {@code down}, and a warm
   * worker's others), readable and writable by the user only.
   *
   * @throws IOException with {@code mkfifo}'s own words if it fails
   */
  static void makePipes(Path... pipes) throws IOException {
    startMaking(pipes).await();
  }

  /**
   * Starts {@code mkfifo} on {@code pipes} and returns at once, so that a worker's JVM can be
   * started while it runs; {@link Making#await()} waits for it. A failure to start it is thrown
   * by {@code await}, where every other failure of making pipes is.
   */
  static Making startMaking(Path... pipes) {
    Path program = Mkfifo.PROGRAM;
    if (program == null) {
      return new Making(null, null, new IOException("mkfifo is no longer on the PATH"));
    }
    List<String> command = new ArrayList<>(List.of(program.toString(), "-m", "600"));
    for (Path pipe : pipes) {
      command.add(pipe.toString());
    }
    try {
      Process mkfifo = Processes.start(
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))));
      return new Making(program, mkfifo, null);
    } catch (IOException e) {
      return new Making(program, null, e);
    }
  }

  /** A run of {@code mkfifo} under way, or the failure to start one. Used by one thread. */
  static final class Making {
    private final Path program;
    private final Process mkfifo;
    private final IOException notStarted;

    private Making(Path program, Process mkfifo, IOException notStarted) {
      this.program = program;
      this.mkfifo = mkfifo;
      this.notStarted = notStarted;
    }

    /**
     * Waits until the pipes are made.
     *
     * @throws IOException with {@code mkfifo}'s own words if it failed, or the failure to start it
     */
    void await() throws IOException {
      if (notStarted != null) {
        throw notStarted;
      }
      String output = new String(mkfifo.getInputStream().readAllBytes(), Charset.defaultCharset()).strip();
      try {
        if (!mkfifo.waitFor(MKFIFO_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          mkfifo.destroyForcibly();
          throw new IOException(program + " did not make the worker's pipes within " + MKFIFO_TIMEOUT_SECONDS + " s");
        }
      } catch (InterruptedException e) {
        mkfifo.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while " + program + " made the worker's pipes", e);
      }
      if (mkfifo.exitValue() != 0) {
        throw new IOException(program + " could not make the worker's pipes (exit code " + mkfifo.exitValue()
            + (output.isEmpty() ? ")" : "): " + output));
      }
    }
  }
}

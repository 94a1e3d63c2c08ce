package dev.parallelizable.samples;

import dev.parallelizable.samples.bench.BenchCommand;
import dev.parallelizable.samples.evolve.EvolveCommand;
import dev.parallelizable.samples.pdftext.PdfTextCommand;
import dev.parallelizable.samples.thumbnails.ThumbnailsCommand;
import dev.parallelizable.samples.tutorial.TourCommand;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * The samples' one command line: {@code java -jar parallelizable-samples.jar <command>}.
 *
 * <p>Exit codes: 0 success; 1 the work failed (a tool names each file that failed); 2 a bad
 * argument (an unknown option, a missing command, an input folder with nothing to read), reported
 * with the usage on standard error.
 */
@Command(
    name = "parallelizable-samples",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Python's multiprocessing tutorial in Java, two batch tools and a cached optimisation built on Parallelizable.",
    synopsisSubcommandLabel = "COMMAND",
    commandListHeading = "%nCommands:%n",
    footer = {"", "Run a command with --help for its options."})
public final class Main implements Callable<Integer> {
  @Spec CommandSpec spec;

  private Main() {}

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(),
        "Missing command: give one of "
            + String.join(", ", spec.commandLine().getSubcommands().keySet()));
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs a command line and returns its exit code instead of exiting.
   *
   * @param out where commands print their results
   * @param err where errors, usage after a bad argument, and progress bars go
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine commandLine = new CommandLine(new Main())
        .addSubcommand(new TourCommand(out))
        .addSubcommand(new ThumbnailsCommand(out, err))
        .addSubcommand(new PdfTextCommand(out, err))
        .addSubcommand(new BenchCommand(out, err))
        .addSubcommand(new EvolveCommand(out))
        .registerConverter(Isolation.class, Main::isolation)
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true));
    // Every command answers -V and --version with the jar's version, as the top level does.
    commandLine.getSubcommands().values()
        .forEach(command -> command.getCommandSpec().versionProvider(new Version()));
    commandLine.setExecutionExceptionHandler(
        (exception, failed, parseResult) -> {
          // A failure the command did not handle: its message, not a stack trace.
          err.println(failed.getCommandName() + ": " + exception);
          return 1;
        });
    return commandLine.execute(args);
  }

  private static Isolation isolation(String name) {
    try {
      return Isolation.parse(name);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  /** The version in the jar's manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"parallelizable-samples " + (version != null ? version : "(not built as a jar)")};
    }
  }
}

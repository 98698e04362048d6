package sparkgru.jobs;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sparkgru.engine.examples.Tutorial;
import sparkgru.engine.model.Version;

/**
 * {@code spark-gru}: the command-line entry point: {@code train}, {@code forecast},
 * {@code evaluate} and {@code predict} on Spark, {@code export} to Keras, the engine's
 * {@code tutorial} locally, and {@code config --list} of the configuration keys.
 */
@Command(name = "spark-gru", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
    description = "Keras-exact GRU networks trained on Apache Spark.",
    subcommands = {Main.TutorialCommand.class, TrainCommand.class, ForecastCommand.class,
        EvaluateCommand.class, PredictCommand.class, ExportCommand.class, ConfigCommand.class})
public final class Main implements Runnable {

  /** What {@code --version} prints: the engine's {@link Version}. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {Version.NAME};
    }
  }

  @Spec
  private CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit status (0 on success). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /**
   * The command line with its error handling: bad configuration or data (an
   * IllegalArgumentException) prints {@code spark-gru: error: <message>} and exits 2; a run that
   * fails (diverged training, an unwritable output) prints the same and exits 1; anything else
   * prints the stack trace and exits 1.
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      java.util.Optional<String> dataError = sparkgru.jobs.io.DataErrors.message(e);
      if (dataError.isPresent()) {
        cmd.getErr().println("spark-gru: error: " + dataError.get());
        cmd.getErr().flush();
        return 2;
      }
      if (e instanceof IllegalStateException || e instanceof java.io.UncheckedIOException) {
        cmd.getErr().println("spark-gru: error: " + e.getMessage());
        cmd.getErr().flush();
        return 1;
      }
      throw e;
    });
    return cli;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command: choose one of "
        + spec.subcommands().keySet());
  }

  /** The brief's tutorial: a GRU(50) x 2 binary classifier trained locally, then return_state. */
  @Command(name = "tutorial", mixinStandardHelpOptions = true,
      description = "Train the tutorial model (GRU(50, return_sequences) -> GRU(50) -> Dense(1, sigmoid)) on "
          + "generated data, locally, printing loss and accuracy per epoch.")
  static final class TutorialCommand implements Runnable {
    @Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the data, the weights and the shuffling "
        + "(default: ${DEFAULT-VALUE}).")
    private long seed;

    @Override
    public void run() {
      Tutorial.run(seed, spec.commandLine().getOut());
    }
  }
}

package sparkgru.jobs;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sparkgru.engine.examples.Tutorial;
import sparkgru.engine.model.Version;
import sparkgru.jobs.io.DataErrors;
import sparkgru.jobs.io.RunFailedException;

/**
 * {@code spark-gru}: the command line behind the entry class {@code Main}: {@code train}, {@code forecast},
 * {@code evaluate} and {@code predict} on Spark, {@code export} to Keras, the engine's
 * {@code tutorial} locally, and {@code config --list} of the configuration keys.
 *
 * <p>Exit status: 0 on success; 2 for the user's error, a command line, configuration, data or
 * model file spark-gru does not accept ({@code spark-gru: error: <message>} on standard error;
 * picocli's own usage errors also exit 2); 1 for a run that failed for another reason than its
 * input or a bug, such as a training loss that stopped being finite or an output that could not
 * be written ({@code spark-gru: error: <message>}); 70 ({@code EX_SOFTWARE} of sysexits.h) for an
 * internal error, any other exception, which is a bug of spark-gru
 * ({@code spark-gru: internal error, please report: <exception>: <message>}, with the stack
 * trace in the log).
 */
@Command(name = "spark-gru", mixinStandardHelpOptions = true, versionProvider = Cli.VersionProvider.class,
    description = "Keras-exact GRU networks trained on Apache Spark.",
    subcommands = {Cli.TutorialCommand.class, TrainCommand.class, ForecastCommand.class,
        EvaluateCommand.class, PredictCommand.class, ExportCommand.class, ConfigCommand.class})
public final class Cli implements Runnable {
  /** Exit status of the user's error (an {@link sparkgru.engine.errors.InvalidInputException}). */
  static final int USER_ERROR = 2;
  /** Exit status of a run that failed for another reason than its input or a bug. */
  static final int RUN_FAILED = 1;
  /**
   * The log4j logger of the driver's record of a failed task ("Lost task ..."), with the task's
   * stack trace, in every deploy mode.
   */
  private static final String SPARK_TASK_ERRORS = "org.apache.spark.scheduler.TaskSetManager";
  /** Exit status of an internal error, a bug of spark-gru: {@code EX_SOFTWARE} of sysexits.h. */
  static final int INTERNAL_ERROR = 70;

  /**
   * The entry class that spark-submit runs ({@code --class sparkgru.jobs.Main}), compiled for
   * older Javas so that it can say which Java it needs; the logger is named after it, as log
   * configurations name it (conf/log4j2.properties).
   */
  static final String ENTRY_CLASS = "sparkgru.jobs.Main";

  private static final System.Logger LOG = System.getLogger(ENTRY_CLASS);

  /** What {@code --version} prints: the engine's {@link Version}. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {Version.NAME};
    }
  }

  @Spec
  private CommandLine.Model.CommandSpec spec;

  /**
   * Runs the command line. A failure exits with its status, or, when the command ran in a Spark
   * context that was running before it (such as a Databricks JAR task's, whose platform asks
   * programs not to exit the JVM), throws (the message is printed). Success returns under
   * spark-submit and in such a context: YARN's application master, which runs the driver in
   * cluster mode, counts a JVM that exits before main returns as a failed application, and
   * spark-submit ends the JVM itself. Run by bin/spark-gru, it exits with status 0.
   */
  public static void main(String[] args) {
    int status = run(args);
    boolean hosted = JobSession.ranInHostedSpark();
    if (status != 0 && hosted) {
      throw new IllegalStateException("spark-gru exited with status " + status + "; its message is above");
    }
    if (status != 0 || !(hosted || JobSession.underSparkSubmit())) {
      System.exit(status);
    }
  }

  /** Runs the command line and returns its exit status (0 on success; the others in the class comment). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /**
   * The command line with its error handling, by the exception's type: the user's error (an
   * InvalidInputException, found by {@link DataErrors} also when a Spark task threw it) prints
   * {@code spark-gru: error: <message>} and exits 2; a failed run (a {@link RunFailedException}
   * or an I/O error) prints the same and exits 1; anything else is an internal error: its stack
   * trace goes to the log, a line naming its innermost cause and where the log goes (when known)
   * to standard error, and the status is 70.
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Cli());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      Optional<String> userError = DataErrors.message(e);
      if (userError.isPresent()) {
        List<String> files = DataErrors.fromSparkJob(e) ? LogDestination.files(SPARK_TASK_ERRORS) : List.of();
        return report(cmd, "spark-gru: error: " + userError.get() + (files.isEmpty() ? "" : System.lineSeparator()
            + "spark-gru: Spark's report of the failed task is in the log: " + String.join(", ", files)), USER_ERROR);
      }
      if (e instanceof RunFailedException || e instanceof UncheckedIOException) {
        return report(cmd, "spark-gru: error: " + e.getMessage(), RUN_FAILED);
      }
      LOG.log(System.Logger.Level.ERROR, "internal error", e);
      Throwable cause = e;
      while (cause.getCause() != null && cause.getCause() != cause) {
        cause = cause.getCause();
      }
      String described = cause.toString();
      int newline = described.indexOf('\n');
      cmd.getErr().println("spark-gru: internal error, please report: "
          + (newline < 0 ? described : described.substring(0, newline)));
      List<String> log = LogDestination.of(ENTRY_CLASS);
      if (!log.isEmpty()) {
        cmd.getErr().println("spark-gru: the stack trace is in the log: " + String.join(", ", log));
      }
      cmd.getErr().flush();
      return INTERNAL_ERROR;
    });
    return cli;
  }

  private static int report(CommandLine cmd, String line, int status) {
    cmd.getErr().println(line);
    cmd.getErr().flush();
    return status;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command: choose one of "
        + spec.subcommands().keySet());
  }

  /** The engine's tutorial: a GRU(50) x 2 binary classifier trained locally, then return_state. */
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

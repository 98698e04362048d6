package sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The command line's exit status follows the type of the exception that ended the run, whether
 * it was thrown on the driver or in a Spark task (here on the shared {@code local[2, 2]} session,
 * whose tasks return their exceptions to the driver serialized, as executors do): the user's
 * error exits 2, a failed run 1, and anything else, a bug, 70 with the internal-error line.
 */
class ExitStatusTest {
  private static final long PID = ProcessHandle.current().pid();

  @BeforeAll
  static void startSpark() {
    SparkTestSession.get();
  }

  /** Runs the command line with {@link FailingCommand} added: exit status, standard error. */
  private static String[] run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = Cli.commandLine();
    cli.addSubcommand(new FailingCommand());
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new String[] {Integer.toString(code), err.toString()};
  }

  private static String firstLine(String text) {
    return text.lines().findFirst().orElse("");
  }

  @Test
  void aUsersErrorThrownInASparkTaskExitsTwoWithItsMessage() {
    String[] r = run("fail", "--throw", "invalid-input");
    assertEquals("2", r[0], r[1]);
    assertEquals("spark-gru: error: bad input on executor driver (pid " + PID + ")" + System.lineSeparator(), r[1]);
  }

  @Test
  void aUsersErrorWhoseCauseCannotBeSerializedStillExitsTwoWithItsMessage() {
    String[] r = run("fail", "--throw", "invalid-input-unserializable");
    assertEquals("2", r[0], r[1]);
    assertEquals("spark-gru: error: bad input on executor driver (pid " + PID + ")" + System.lineSeparator(), r[1]);
  }

  @Test
  void anIllegalArgumentExceptionThrownInASparkTaskIsAnInternalError() {
    String[] r = run("fail", "--throw", "bug");
    assertEquals("70", r[0], r[1]);
    assertEquals("spark-gru: internal error, please report: java.lang.IllegalArgumentException: boom on executor "
        + "driver (pid " + PID + ")", firstLine(r[1]));
    assertTrue(r[1].lines().skip(1).allMatch(l -> l.startsWith("spark-gru: the stack trace is in the log: ")), r[1]);
  }

  @Test
  void aNullPointerExceptionOnTheDriverIsAnInternalError() {
    String[] r = run("fail", "--throw", "npe", "--on-driver");
    assertEquals("70", r[0], r[1]);
    assertEquals("spark-gru: internal error, please report: java.lang.NullPointerException: nothing on the driver",
        firstLine(r[1]));
  }

  @Test
  void anIllegalArgumentExceptionOnTheDriverIsAnInternalError() {
    String[] r = run("fail", "--throw", "bug", "--on-driver");
    assertEquals("70", r[0], r[1]);
    assertEquals("spark-gru: internal error, please report: java.lang.IllegalArgumentException: boom on the driver",
        firstLine(r[1]));
  }

  @Test
  void aFailedRunAndAnIoErrorExitOneWithTheirMessage() {
    String[] failed = run("fail", "--throw", "run-failed", "--on-driver");
    assertEquals("1", failed[0], failed[1]);
    assertEquals("spark-gru: error: the run failed on the driver" + System.lineSeparator(), failed[1]);
    String[] io = run("fail", "--throw", "io", "--on-driver");
    assertEquals("1", io[0], io[1]);
    assertEquals("spark-gru: error: cannot write on the driver" + System.lineSeparator(), io[1]);
  }
}

package sparkgru.jobs.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.spark.SparkException;
import org.apache.spark.sql.AnalysisException;
import sparkgru.engine.errors.InvalidInputException;

/**
 * Finds the user's error behind a failure: an {@link InvalidInputException} in its cause chain,
 * also when a Spark task threw it on an executor. Spark 4 returns a task's exception to the
 * driver as an object: the executor serializes it into the task's {@code ExceptionFailure},
 * {@code TaskSetManager.handleFailedTask} passes it on when the task has failed for the last
 * time, and {@code DAGScheduler.abortStage} fails the job with it as the cause of its
 * {@code SparkException} (or, when the task wrapped it in a SparkException with an error class,
 * such as a file write's {@code TASK_WRITE_FAILED}, with that exception, which holds it as its
 * cause). The object does not arrive when its cause chain cannot be serialized (the executor
 * then sends the failure without it) or the driver cannot deserialize it: the job's
 * {@code SparkException} then has no cause, and only its message, which holds the task's stack
 * trace as text, still names the exception's class as {@code
 * sparkgru.engine.errors.InvalidInputException: <message>}. In that case alone the message is
 * read from that text.
 */
public final class DataErrors {
  private static final String MARKER = InvalidInputException.class.getName() + ": ";
  private static final Pattern SQL_STATE = Pattern.compile(" SQLSTATE: \\w+$");

  private DataErrors() {}

  /** The message of the user's error behind {@code failure}, if there is one. */
  public static Optional<String> message(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof InvalidInputException) {
        return Optional.ofNullable(t.getMessage());
      }
      if (t.getCause() == t) {
        break;
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SparkException && t.getCause() == null) {
        return lostInTransit(t.getMessage());
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return Optional.empty();
  }

  /**
   * The first line of a Spark error's message, without the {@code " SQLSTATE: <code>"} that Spark
   * 4 appends to it (Spark 3.5 does not): the same words on every Spark line.
   */
  public static String sparkMessage(Throwable e) {
    String m = String.valueOf(e.getMessage());
    m = m.contains("\n") ? m.substring(0, m.indexOf('\n')) : m;
    return SQL_STATE.matcher(m).replaceFirst("");
  }

  /**
   * What to throw for a failure of a read or write that Spark's analysis may have refused (an
   * AnalysisException: a missing table or path, an option, schema or table the source refuses): the
   * user's error {@code what: <Spark's message>} ({@link #sparkMessage}); any other failure as
   * {@link #rethrow} gives it.
   */
  public static RuntimeException refusedByAnalysis(Exception e, String what) {
    if (e instanceof AnalysisException) {
      return new InvalidInputException(what + ": " + sparkMessage(e), e);
    }
    return rethrow(e);
  }

  /** Whether {@code failure} came through a failed Spark job: a SparkException is in its cause chain. */
  public static boolean fromSparkJob(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SparkException) {
        return true;
      }
    }
    return false;
  }

  /** The message after the exception's class name in a job abort's text, up to the end of its line. */
  private static Optional<String> lostInTransit(String abort) {
    int at = abort == null ? -1 : abort.indexOf(MARKER);
    if (at < 0) {
      return Optional.empty();
    }
    String rest = abort.substring(at + MARKER.length());
    int end = rest.indexOf('\n');
    return Optional.of(end < 0 ? rest : rest.substring(0, end));
  }

  /**
   * What to throw for {@code failure}: the user's error behind it as an InvalidInputException,
   * else the failure itself, a checked one wrapped unchecked: an I/O error as an
   * UncheckedIOException; a Spark job abort with no exception behind it (a lost executor, a
   * cancelled job) as a {@link RunFailedException}; one with an exception behind it, which a
   * task threw and which is not the user's, as an IllegalStateException, an internal error.
   */
  public static RuntimeException rethrow(Exception failure) {
    Optional<String> user = message(failure);
    if (user.isPresent()) {
      return failure instanceof InvalidInputException i ? i : new InvalidInputException(user.get(), failure);
    }
    if (failure instanceof RuntimeException r) {
      return r;
    }
    if (failure instanceof IOException io) {
      return new UncheckedIOException(io.getMessage(), io);
    }
    return failure.getCause() == null ? new RunFailedException(failure.getMessage(), failure)
        : new IllegalStateException(failure.getMessage(), failure);
  }
}

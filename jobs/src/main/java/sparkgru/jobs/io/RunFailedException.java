package sparkgru.jobs.io;

/**
 * A run that failed for a reason that is neither the user's input nor a bug of spark-gru: the
 * training loss stopped being finite, an output could not be written, the JVM cannot draw or
 * encode the report. Its message names what failed and, where it helps, what to change; the
 * command line prints it and exits 1. It is an {@link IllegalStateException}: the run's state,
 * not its arguments, made it fail.
 */
public class RunFailedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** A failure with a message naming what failed. */
  public RunFailedException(String message) {
    super(message);
  }

  /** A failure with a message naming what failed, caused by {@code cause}. */
  public RunFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}

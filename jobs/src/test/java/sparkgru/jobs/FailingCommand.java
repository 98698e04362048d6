package sparkgru.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.jobs.io.DataErrors;
import sparkgru.jobs.io.RunFailedException;

/**
 * A command for tests of the command line's error handling: it throws the failure that
 * {@code --throw} names, in a Spark task of the active session (caught and passed through
 * {@link DataErrors#rethrow}, as the jobs do) or, with {@code --on-driver}, in the command itself.
 * A failure thrown in a task names the executor and the process that raised it.
 */
@Command(name = "fail")
final class FailingCommand implements Runnable {
  @Option(names = "--throw", required = true)
  private String kind;

  @Option(names = "--on-driver")
  private boolean onDriver;

  @Override
  public void run() {
    if (onDriver) {
      throw failure(kind, "the driver");
    }
    String k = kind;
    try {
      JavaSparkContext.fromSparkContext(SparkSession.active().sparkContext()).parallelize(List.of(1), 1)
          .foreach(i -> {
            throw failure(k, "executor " + SparkEnv.get().executorId() + " (pid " + ProcessHandle.current().pid()
                + ")");
          });
    } catch (Exception e) {
      throw DataErrors.rethrow(e);
    }
  }

  /** The failure of {@code kind} raised {@code where}. */
  static RuntimeException failure(String kind, String where) {
    return switch (kind) {
      case "invalid-input" -> new InvalidInputException("bad input on " + where);
      case "invalid-input-unserializable" -> new InvalidInputException("bad input on " + where, new Unserializable());
      case "bug" -> new IllegalArgumentException("boom on " + where);
      case "npe" -> new NullPointerException("nothing on " + where);
      case "run-failed" -> new RunFailedException("the run failed on " + where);
      case "io" -> new UncheckedIOException("cannot write on " + where, new IOException("disk full"));
      default -> throw new IllegalStateException("no failure of kind " + kind);
    };
  }

  /** A cause Java serialization cannot write: it holds a plain Object. */
  static final class Unserializable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    @SuppressWarnings("serial")
    private final Object held = new Object();

    Unserializable() {
      super("not serializable");
    }
  }
}

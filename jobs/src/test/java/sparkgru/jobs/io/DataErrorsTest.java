package sparkgru.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.jobs.SparkTestSession;

/**
 * The user's error is found by its type, on the driver and from a Spark task (the shared local
 * session serializes a task's exception as an executor does); its class name in Spark's text is
 * read only when the exception itself could not travel.
 */
class DataErrorsTest {

  /** The exception a one-task job fails with when its task throws the failure {@code kind} names. */
  private static Exception failedJob(String kind) {
    try {
      SparkTestSession.context().parallelize(List.of(1), 1).foreach(i -> {
        throw failure(kind);
      });
    } catch (Exception e) {
      return e;
    }
    throw new AssertionError("the job did not fail");
  }

  private static RuntimeException failure(String kind) {
    return switch (kind) {
      case "invalid-input" -> new InvalidInputException("row 7 is bad");
      case "unserializable" -> new InvalidInputException("row 7 is bad", new Unserializable());
      case "bug" -> new IllegalArgumentException("boom");
      case "bug-quoting" -> new IllegalArgumentException("boom after " + InvalidInputException.class.getName()
          + ": row 7 is bad");
      default -> new IllegalStateException(kind);
    };
  }

  /** A cause Java serialization cannot write: it holds a plain Object. */
  private static final class Unserializable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    @SuppressWarnings("serial")
    private final Object held = new Object();

    Unserializable() {
      super("not serializable");
    }
  }

  private static Optional<Throwable> invalidInputIn(Throwable t) {
    for (; t != null; t = t.getCause()) {
      if (t instanceof InvalidInputException) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  @Test
  void theUsersErrorOfATaskArrivesAsTheCauseOfTheJobAbort() {
    Exception e = failedJob("invalid-input");
    assertInstanceOf(SparkException.class, e);
    assertEquals("row 7 is bad", invalidInputIn(e).orElseThrow(() -> new AssertionError("not in the chain", e))
        .getMessage());
    assertEquals(Optional.of("row 7 is bad"), DataErrors.message(e));
  }

  @Test
  void theUsersErrorOfATaskWithAnUnserializableCauseArrivesOnlyAsTextAndIsReadFromIt() {
    Exception e = failedJob("unserializable");
    assertInstanceOf(SparkException.class, e);
    assertNull(e.getCause(), "the executor sent the failure without the exception");
    assertTrue(e.getMessage().contains(InvalidInputException.class.getName() + ": row 7 is bad"), e.getMessage());
    assertEquals(Optional.of("row 7 is bad"), DataErrors.message(e));
  }

  @Test
  void anIllegalArgumentExceptionOfATaskIsNoUsersErrorEvenWhenItQuotesOne() {
    Exception bug = failedJob("bug");
    assertEquals(Optional.empty(), DataErrors.message(bug));
    RuntimeException thrown = DataErrors.rethrow(bug);
    assertFalse(thrown instanceof IllegalArgumentException, thrown.toString());
    assertFalse(thrown instanceof RunFailedException, "a task's bug is an internal error, not a failed run");
    assertSame(bug, thrown.getCause());
    Exception quoting = failedJob("bug-quoting");
    assertInstanceOf(IllegalArgumentException.class, quoting.getCause(), "the exception itself arrived");
    assertEquals(Optional.empty(), DataErrors.message(quoting));
  }

  @Test
  void rethrowGivesTheUsersErrorAsInvalidInputExceptionAndIoErrorsUnchecked() {
    Exception abort = failedJob("invalid-input");
    RuntimeException thrown = DataErrors.rethrow(abort);
    assertInstanceOf(InvalidInputException.class, thrown);
    assertEquals("row 7 is bad", thrown.getMessage());
    assertSame(abort, thrown.getCause());
    InvalidInputException direct = new InvalidInputException("bad");
    assertSame(direct, DataErrors.rethrow(direct));
    IOException io = new IOException("disk full");
    assertSame(io, assertInstanceOf(UncheckedIOException.class, DataErrors.rethrow(io)).getCause());
  }

  @Test
  void aJobAbortWithNoExceptionBehindItIsAFailedRun() {
    SparkException lost = new SparkException("Job aborted due to stage failure: ExecutorLostFailure (executor 1 "
        + "exited caused by one of the running tasks)");
    RuntimeException thrown = DataErrors.rethrow(lost);
    assertInstanceOf(RunFailedException.class, thrown);
    assertSame(lost, thrown.getCause());
  }

  @Test
  void onTheDriverOnlyTheTypeCounts() {
    assertEquals(Optional.empty(), DataErrors.message(new IllegalArgumentException("bad")));
    assertEquals(Optional.of("bad"), DataErrors.message(new IllegalStateException("wrapped",
        new InvalidInputException("bad"))));
    assertEquals(Optional.empty(), DataErrors.message(new IllegalStateException(InvalidInputException.class.getName()
        + ": bad")));
  }
}

package sparkgru.jobs.io;

import java.util.Optional;

/**
 * Finds the data error behind a failure: an IllegalArgumentException in the cause chain, or,
 * for one thrown on an executor, the message Spark copies into its job-abort exception (the
 * executor's exception itself does not travel as a cause).
 */
public final class DataErrors {
  private static final String MARKER = "java.lang.IllegalArgumentException: ";

  private DataErrors() {}

  /** The message of the data error behind {@code failure}, if there is one. */
  public static Optional<String> message(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof IllegalArgumentException) {
        return Optional.ofNullable(t.getMessage());
      }
      String m = t.getMessage();
      int at = m == null ? -1 : m.indexOf(MARKER);
      if (at >= 0) {
        String rest = m.substring(at + MARKER.length());
        int end = rest.indexOf('\n');
        return Optional.of(end < 0 ? rest : rest.substring(0, end));
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return Optional.empty();
  }

  /**
   * What to throw for {@code failure}: the data error behind it as an IllegalArgumentException,
   * else the failure itself (checked ones, such as Spark's job aborts, wrapped unchecked).
   */
  public static RuntimeException rethrow(Exception failure) {
    Optional<String> data = message(failure);
    if (data.isPresent()) {
      return new IllegalArgumentException(data.get(), failure);
    }
    return failure instanceof RuntimeException r ? r : new IllegalStateException(failure.getMessage(), failure);
  }
}

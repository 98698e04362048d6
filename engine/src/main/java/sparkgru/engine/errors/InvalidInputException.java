package sparkgru.engine.errors;

/**
 * The user's error: a configuration, command line, data or model file that is not what the
 * project accepts. Its message names what is wrong and what was expected; the command line
 * prints it and exits 2. Any other exception is an internal error. It is an
 * {@link IllegalArgumentException}, so Java callers that validate arguments see one.
 */
public class InvalidInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** An error with a message naming what is wrong and what was expected. */
  public InvalidInputException(String message) {
    super(message);
  }

  /** An error with a message naming what is wrong and what was expected, caused by {@code cause}. */
  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}

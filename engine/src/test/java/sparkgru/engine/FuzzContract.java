package sparkgru.engine;

import sparkgru.engine.errors.InvalidInputException;

/**
 * What a fuzz target asserts of code reading untrusted bytes: it returns, or it throws an
 * {@link InvalidInputException} (the project's error for bad input) with a message. Anything
 * else is a finding: another exception type (a plain IllegalArgumentException, which the command
 * line reports as an internal error; NullPointerException, ClassCastException, an index out of
 * bounds, ...), an error (out of memory, stack overflow), an empty message, a
 * NumberFormatException or its message passed on (the JDK's text names no key or file), or an
 * InvalidInputException whose cause is such a programming error thrown by spark-gru's own code
 * rather than a library's report of damaged data. Readers of a named file must also name it.
 */
public final class FuzzContract {
  private FuzzContract() {}

  /** Runs {@code read} on one input and fails the fuzz test unless it keeps the contract. */
  public static void check(Runnable read) {
    check(null, read);
  }

  /**
   * Runs {@code read} of the input called {@code name} and fails the fuzz test unless it keeps
   * the contract and every message names the input.
   */
  public static void check(String name, Runnable read) {
    try {
      read.run();
    } catch (NumberFormatException e) {
      throw new AssertionError("a raw NumberFormatException escaped: " + e.getMessage(), e);
    } catch (InvalidInputException e) {
      if (e.getMessage() == null || e.getMessage().isBlank()) {
        throw new AssertionError("an InvalidInputException without a message", e);
      }
      if (name != null && !e.getMessage().contains(name)) {
        throw new AssertionError("the message does not name " + name + ": " + e.getMessage(), e);
      }
      for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
        if (c instanceof NumberFormatException && e.getMessage().equals(c.getMessage())) {
          throw new AssertionError("the JDK's NumberFormatException text was passed on as the message: "
              + e.getMessage(), e);
        }
        if (isProgrammingError(c) && thrownByProject(c)) {
          throw new AssertionError("a bug of spark-gru's own code was reported as bad input: " + e.getMessage(), e);
        }
      }
    } catch (IllegalArgumentException e) {
      throw new AssertionError("bad input reported as a plain IllegalArgumentException, which the command line takes "
          + "for a bug: " + e.getMessage(), e);
    }
  }

  private static boolean isProgrammingError(Throwable t) {
    return t instanceof NullPointerException || t instanceof ClassCastException
        || t instanceof IndexOutOfBoundsException || t instanceof ArithmeticException
        || t instanceof NegativeArraySizeException || t instanceof ArrayStoreException
        || t instanceof IllegalStateException || t instanceof UnsupportedOperationException;
  }

  private static boolean thrownByProject(Throwable t) {
    StackTraceElement[] trace = t.getStackTrace();
    for (StackTraceElement frame : trace) {
      String cls = frame.getClassName();
      if (cls.startsWith("java.") || cls.startsWith("jdk.") || cls.startsWith("sun.")) {
        continue;
      }
      return cls.startsWith("sparkgru.");
    }
    return false;
  }
}

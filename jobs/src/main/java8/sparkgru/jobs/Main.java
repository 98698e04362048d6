package sparkgru.jobs;

import java.lang.reflect.InvocationTargetException;

/**
 * The entry class ({@code spark-submit --class sparkgru.jobs.Main}): checks that the JVM is Java
 * 17 or newer, then runs the command line, {@link Cli}. This one class is compiled for Java 8 (the
 * oldest Java that Spark 3.5 runs on) and uses only Java 8's API, so that an older JVM stops with a
 * message naming the Java it found and the Java spark-gru needs, instead of an
 * UnsupportedClassVersionError from the first class it loads.
 */
public final class Main {
  /** The Java that spark-gru needs: its engine's kernels use the Vector API of Java 17. */
  static final int JAVA_NEEDED = 17;

  private Main() {}

  /** Runs the command line, or exits with status 2 and a message on a JVM older than Java 17. */
  public static void main(String[] args) throws Throwable {
    String found = System.getProperty("java.specification.version", "");
    if (feature(found) < JAVA_NEEDED) {
      System.err.println(tooOld(found, System.getProperty("java.home", "?")));
      System.exit(2);
    }
    try {
      // By name: a reference the Java 8 compiler resolved would load Cli's Java 17 class file.
      Class.forName("sparkgru.jobs.Cli").getMethod("main", String[].class).invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** The message for a JVM of specification version {@code found} ("1.8", "11") at {@code home}. */
  static String tooOld(String found, String home) {
    return "spark-gru: error: this JVM is Java " + found + " (" + home + "), and spark-gru needs Java "
        + JAVA_NEEDED + " or newer; run it with Java " + JAVA_NEEDED + " (JAVA_HOME for spark-submit and "
        + "bin/spark-gru; spark.executorEnv.JAVA_HOME for the executors and, on YARN, "
        + "spark.yarn.appMasterEnv.JAVA_HOME for the application master)";
  }

  /** The feature release of a specification version: 8 for "1.8", 17 for "17"; 0 if unreadable. */
  static int feature(String specificationVersion) {
    String v = specificationVersion.startsWith("1.") ? specificationVersion.substring(2) : specificationVersion;
    int end = 0;
    while (end < v.length() && Character.isDigit(v.charAt(end))) {
      end++;
    }
    return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
  }
}

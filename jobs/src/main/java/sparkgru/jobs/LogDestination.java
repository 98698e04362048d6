package sparkgru.jobs;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.appender.RandomAccessFileAppender;
import org.apache.logging.log4j.core.appender.RollingFileAppender;
import org.apache.logging.log4j.core.appender.RollingRandomAccessFileAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Where the records of a {@link System.Logger} go, as far as this JVM can tell. System loggers
 * are Java logging's: before Spark starts, its default console handler writes them to standard
 * error; once Spark has routed Java logging to log4j (through SLF4J), the appenders log4j's
 * configuration gives the logger write them (conf/log4j2.properties for bin/spark-gru, the
 * cluster's configuration under spark-submit).
 */
final class LogDestination {
  private static final String STDERR = "standard error";
  private static final String STDOUT = "standard output";

  private LogDestination() {}

  /**
   * The places the records of {@code logger} are written to, in order: "standard error",
   * "standard output" or a log file's path; empty when they cannot be told (log4j's appenders
   * of other kinds, or a logging set-up without log4j).
   */
  static List<String> of(String logger) {
    Set<String> places = new LinkedHashSet<>();
    try {
      for (Handler handler : java.util.logging.Logger.getLogger("").getHandlers()) {
        if (handler instanceof ConsoleHandler) {
          places.add(STDERR);
        } else if (handler instanceof SLF4JBridgeHandler) {
          places.addAll(log4j(logger));
        }
      }
    } catch (LinkageError e) {
      // SLF4J's bridge or log4j is not on the class path: the records go where nothing here can see.
      return List.of();
    }
    return List.copyOf(places);
  }

  /** The log files log4j writes the records of {@code logger} to (Spark's loggers are log4j's). */
  static List<String> files(String logger) {
    try {
      return log4j(logger).stream().filter(p -> !p.equals(STDERR) && !p.equals(STDOUT)).toList();
    } catch (LinkageError e) {
      return List.of();
    }
  }

  private static List<String> log4j(String logger) {
    List<String> places = new ArrayList<>();
    if (!(LogManager.getLogger(logger) instanceof Logger core)) {
      return places;
    }
    for (LoggerConfig c = core.get(); c != null; c = c.isAdditive() ? c.getParent() : null) {
      for (Appender a : c.getAppenders().values()) {
        String place = a instanceof ConsoleAppender console
            ? console.getTarget() == ConsoleAppender.Target.SYSTEM_OUT ? STDOUT : STDERR
            : a instanceof FileAppender f ? f.getFileName()
            : a instanceof RollingFileAppender f ? f.getFileName()
            : a instanceof RandomAccessFileAppender f ? f.getFileName()
            : a instanceof RollingRandomAccessFileAppender f ? f.getFileName()
            : null;
        if (place != null) {
          places.add(place);
        }
      }
    }
    return places;
  }
}

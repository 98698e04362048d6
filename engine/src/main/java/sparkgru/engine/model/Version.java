package sparkgru.engine.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The project's version, as the build wrote it from the Maven project version: what
 * {@code spark-gru --version} prints and what every model file records as the engine that
 * trained it.
 */
public final class Version {
  /** The version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static final String NUMBER = read();

  /** The version with the project's name, e.g. {@code spark-gru 0.1.0-SNAPSHOT}. */
  public static final String NAME = "spark-gru " + NUMBER;

  private Version() {}

  private static String read() {
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException("internal error: version.properties is missing from the engine's jar");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

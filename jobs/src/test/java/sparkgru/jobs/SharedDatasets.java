package sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The public data sets the real-data tests read, in {@code ../shared/datasets} beside the checkout (the tests run in
 * a module directory, so {@code ../../shared/datasets} from there). When a file is absent the test is skipped, unless
 * the environment variable {@value #REQUIRE_ENV}{@code =1} is set (CI sets it, its clone has the data beside it): then
 * the test fails, naming the path it looked for.
 */
public final class SharedDatasets {
  /** Set to {@code 1} to make a missing data set fail the tests that read it instead of skipping them. */
  public static final String REQUIRE_ENV = "SPARKGRU_REQUIRE_DATASETS";
  /** The shared data sets' directory, relative to a module directory. */
  public static final Path DIR = Path.of("..", "..", "shared", "datasets");

  private SharedDatasets() {}

  /** {@code relative} resolved in {@link #DIR}; skips the calling test if it is absent, fails it if required. */
  public static Path file(String relative) {
    return file(DIR, relative, "1".equals(System.getenv(REQUIRE_ENV)));
  }

  /** {@code relative} resolved in {@code dir}; skips the calling test if it is absent, or fails it if required. */
  static Path file(Path dir, String relative, boolean required) {
    Path path = dir.resolve(relative);
    if (!Files.exists(path)) {
      String message = "data set " + path.toAbsolutePath().normalize() + " is absent; the shared data sets sit in "
          + "../shared/datasets beside the checkout";
      if (required) {
        fail(message + " (" + REQUIRE_ENV + "=1 forbids skipping)");
      }
      Assumptions.abort(message);
    }
    return path;
  }
}

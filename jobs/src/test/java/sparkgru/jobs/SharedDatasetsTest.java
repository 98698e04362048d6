package sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class SharedDatasetsTest {
  @TempDir
  Path dir;

  @Test
  void aMissingDataSetSkipsUnlessRequiredThenFailsNamingThePath() {
    Path missing = dir.resolve("m4").resolve("Hourly-train.csv").toAbsolutePath().normalize();
    String message = "data set " + missing + " is absent; the shared data sets sit in ../shared/datasets beside the "
        + "checkout";
    assertEquals(message, assertThrows(TestAbortedException.class,
        () -> SharedDatasets.file(dir, "m4/Hourly-train.csv", false)).getMessage());
    assertEquals(message + " (SPARKGRU_REQUIRE_DATASETS=1 forbids skipping)", assertThrows(AssertionFailedError.class,
        () -> SharedDatasets.file(dir, "m4/Hourly-train.csv", true)).getMessage());
  }

  @Test
  void aPresentDataSetIsReturnedEitherWay() throws Exception {
    Path file = Files.writeString(dir.resolve("a.csv"), "x\n");
    assertEquals(file, SharedDatasets.file(dir, "a.csv", false));
    assertEquals(file, SharedDatasets.file(dir, "a.csv", true));
  }
}

package sparkgru.jobs;

import com.tngtech.archunit.core.domain.JavaClasses;
import java.util.List;
import org.junit.jupiter.api.Test;
import sparkgru.engine.Layering;

/** The jobs module's package layers (README, Code map). */
class ArchitectureTest {
  private static final JavaClasses JOBS = Layering.mainClasses("sparkgru.jobs");

  /** Bottom first; packages of one level do not use each other; "" is the commands' package. */
  static final List<List<String>> LEVELS = List.of(
      List.of("spark"),
      List.of("io"),
      List.of("data"),
      List.of("config"),
      List.of("forecast", "predict"),
      List.of("train"),
      List.of("ml"),
      List.of(""));

  @Test
  void packagesUseOnlyLowerLevels() {
    Layering.levels("sparkgru.jobs", LEVELS).check(JOBS);
  }

  @Test
  void packagesFormNoCycle() {
    Layering.noCycles("sparkgru.jobs").check(JOBS);
  }
}

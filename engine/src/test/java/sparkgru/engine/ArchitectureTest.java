package sparkgru.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's package layers (README, Code map) and its independence from Spark and Hadoop. */
class ArchitectureTest {
  private static final JavaClasses ENGINE = Layering.mainClasses("sparkgru.engine");

  /** Bottom first; packages of one level do not use each other. */
  static final List<List<String>> LEVELS = List.of(
      List.of("errors"),
      List.of("io"),
      List.of("linalg"),
      List.of("layers", "loss", "optim"),
      List.of("model"),
      List.of("keras"),
      List.of("examples"));

  @Test
  void packagesUseOnlyLowerLevels() {
    Layering.levels("sparkgru.engine", LEVELS).check(ENGINE);
  }

  @Test
  void packagesFormNoCycle() {
    Layering.noCycles("sparkgru.engine").check(ENGINE);
  }

  @Test
  void theEngineNeverUsesSparkHadoopOrScala() {
    noClasses().that().resideInAPackage("sparkgru.engine..").should().dependOnClassesThat()
        .resideInAnyPackage("org.apache.spark..", "org.apache.hadoop..", "scala..")
        .because("the engine is pure Java: it runs in any JVM, on an executor or not").check(ENGINE);
  }
}

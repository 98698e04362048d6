package sparkgru.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayeringTest {
  private static final JavaClasses FIXTURE = new ClassFileImporter().importPackages("sparkgru.engine.archfixture");

  @Test
  void aLowerPackageUsingAHigherOneBreaksTheLevels() {
    EvaluationResult result = Layering.levels("sparkgru.engine.archfixture", List.of(List.of("low"),
        List.of("high"))).evaluate(FIXTURE);
    assertTrue(result.hasViolation());
    String report = result.getFailureReport().toString();
    assertTrue(report.contains("Low.backEdge()") && report.contains("High.value()"), report);
  }

  @Test
  void twoPackagesUsingEachOtherAreACycle() {
    EvaluationResult result = Layering.noCycles("sparkgru.engine.archfixture").evaluate(FIXTURE);
    assertTrue(result.hasViolation());
    assertTrue(result.getFailureReport().toString().contains("Cycle detected"), result.getFailureReport().toString());
  }
}

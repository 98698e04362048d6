package sparkgru.engine;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.ArrayList;
import java.util.List;

/**
 * Package layering as ArchUnit rules, shared by both modules' architecture tests: packages are
 * grouped in levels, bottom first; a package may use packages of lower levels only, never one of
 * its own level or above, and no two packages form a cycle.
 */
public final class Layering {
  private Layering() {}

  /** The main (non-test) classes under {@code root}. */
  public static JavaClasses mainClasses(String root) {
    // Not ArchUnit's DO_NOT_INCLUDE_TESTS: it knows only target/test-classes, and the jobs module
    // builds each Spark line into target/spark-LINE/.
    ImportOption mainOnly = location -> !location.contains("/test-classes/");
    return new ClassFileImporter().withImportOption(mainOnly).importPackages(root);
  }

  /**
   * The rule that packages under {@code root} use only lower levels. Each level lists package
   * names relative to {@code root}; {@code ""} is {@code root} itself (its own classes only).
   */
  public static ArchRule levels(String root, List<List<String>> levels) {
    LayeredArchitecture rule = layeredArchitecture().consideringOnlyDependenciesInLayers();
    List<String> names = new ArrayList<>();
    for (List<String> level : levels) {
      for (String pkg : level) {
        String name = pkg.isEmpty() ? "(root)" : pkg;
        rule = rule.layer(name).definedBy(pkg.isEmpty() ? root : root + "." + pkg + "..");
        names.add(name);
      }
    }
    int at = 0;
    for (int i = 0; i < levels.size(); i++) {
      int above = at + levels.get(i).size();
      String[] users = names.subList(above, names.size()).toArray(String[]::new);
      for (int j = at; j < above; j++) {
        rule = users.length == 0 ? rule.whereLayer(names.get(j)).mayNotBeAccessedByAnyLayer()
            : rule.whereLayer(names.get(j)).mayOnlyBeAccessedByLayers(users);
      }
      at = above;
    }
    return rule.because("packages are layers, readable bottom-up (README, Code map)");
  }

  /** The rule that the packages directly under {@code root} form no cycle. */
  public static ArchRule noCycles(String root) {
    return slices().matching(root + ".(*)..").should().beFreeOfCycles();
  }
}

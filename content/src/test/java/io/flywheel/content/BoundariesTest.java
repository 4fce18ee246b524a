package io.flywheel.content;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Content is judged by the simulator, so it must not peek at how the simulator judges: nothing in
 * this module's main code may touch the simulator's internals (its lexicon, its shoppers' hidden
 * weights), nor any module above it.
 */
class BoundariesTest {
  private static final JavaClasses CONTENT =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.flywheel.content");

  @Test
  void contentNeverUsesTheSimulatorsInternals() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.flywheel.core.internal..")
        .check(CONTENT);
  }

  @Test
  void contentDependsOnlyDownward() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.flywheel.workflows..",
            "io.flywheel.console..",
            "io.flywheel.flink..",
            "io.flywheel.training..",
            "io.flywheel.deploy..")
        .check(CONTENT);
  }
}

package org.vivit4j.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.vivit4j.model.LayerSpec;

/**
 * The package structure, read from the compiled main classes (tests excluded): the packages form no
 * cycle, and the host linear algebra stands on its own, below every backend. A violation names the
 * classes whose dependency breaks the rule.
 */
@AnalyzeClasses(packages = "org.vivit4j", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageDependenciesTest {

  /** Every package {@code org.vivit4j.X} (with its subpackages) is one slice; no slice cycles. */
  @ArchTest
  static final ArchRule packagesFormNoCycle =
      slices().matching("org.vivit4j.(*)..").should().beFreeOfCycles();

  /**
   * The eigensolvers and host products ({@code linalg}) run on host arrays; the native BLAS they
   * use is loaded by {@code blas}, which the CPU backend shares, not borrowed from a backend.
   */
  @ArchTest
  static final ArchRule hostLinearAlgebraDoesNotDependOnBackends =
      noClasses()
          .that()
          .resideInAPackage("org.vivit4j.linalg..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.vivit4j.backend..", "org.vivit4j.opencl..");

  /** The BLAS loader is a leaf: it knows neither the backends nor the linear algebra above it. */
  @ArchTest
  static final ArchRule blasLoaderIsALeaf =
      noClasses()
          .that()
          .resideInAPackage("org.vivit4j.blas..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.vivit4j.backend..", "org.vivit4j.opencl..", "org.vivit4j.linalg..");

  /** The backend interface and its CPU implementation know no other implementation. */
  @ArchTest
  static final ArchRule backendKnowsNoOtherImplementation =
      noClasses()
          .that()
          .resideInAPackage("org.vivit4j.backend..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.vivit4j.opencl..");

  /**
   * The command line is the top: no other package depends on it (the bench's child JVMs start
   * {@code bench} classes, named by class literal, not the CLI by a class-name string).
   */
  @ArchTest
  static final ArchRule nothingDependsOnTheCommandLine =
      noClasses()
          .that()
          .resideOutsideOfPackage("org.vivit4j.cli..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.vivit4j.cli..");

  /**
   * The reference is an independent second writing of every layer: of a layer type's home in {@code
   * layers} it may read only the spec record (the {@link LayerSpec} the network is made of), never
   * the fast path, its problem-file type or the backends.
   */
  @ArchTest
  static final ArchRule referenceReadsOnlySpecsOfTheFastPath =
      noClasses()
          .that()
          .resideInAPackage("org.vivit4j.reference..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("org.vivit4j.layers..").and(not(assignableTo(LayerSpec.class))))
          .orShould()
          .dependOnClassesThat()
          .resideInAnyPackage("org.vivit4j.backend..", "org.vivit4j.opencl..");
}

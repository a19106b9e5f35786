package dev.milab.keyvaultonprem.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** The code a learner copies uses the Azure SDK only: nothing of the lab, the kit or the demo. */
class AppCodeIsLabFreeTest {

    @Test
    void theAppImportsNothingOfTheProjectOutsideItsOwnPackage() {
        JavaClasses app = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.milab.keyvaultonprem.app");
        classes().that().resideInAPackage("dev.milab.keyvaultonprem.app..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.milab.keyvaultonprem.app..", "java..",
                "javax..", "com.azure..")
            .as("app code depends only on the JDK and the Azure SDK")
            .check(app);
    }
}

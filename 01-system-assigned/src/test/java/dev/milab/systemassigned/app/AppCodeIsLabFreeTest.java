package dev.milab.systemassigned.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The code a learner copies holds no lab: nothing in {@code app} uses the lab, the routing, the demo kit or the
 * demo. Only the Azure SDK, the JDBC driver and the pool; what differs between the lab and Azure is in
 * {@code app.properties}.
 */
class AppCodeIsLabFreeTest {

    private static final String APP = "dev.milab.systemassigned.app..";

    static final ArchRule APP_CODE_USES_NO_LAB_CLASS = noClasses().that().resideInAPackage(APP)
        .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("dev.milab..")
            .and(JavaClass.Predicates.resideOutsideOfPackage(APP)))
        .because("the app code is what a learner copies to a real VM, where there is no lab");

    @Test
    void theAppCodeDependsOnNoLabKitOrDemoClass() {
        JavaClasses app = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.milab.systemassigned.app");

        assertThat(app).extracting(JavaClass::getSimpleName).contains("OrdersApp", "SqlDataSources", "AppConfig",
            "OrdersRepository");
        APP_CODE_USES_NO_LAB_CLASS.check(app);
    }

    @Test
    void theRuleCatchesAClassThatUsesTheLab() {
        // This package's tests use LabExtension: imported with them, the rule must object.
        JavaClasses withTests = new ClassFileImporter().importPackages("dev.milab.systemassigned.app");

        assertThat(APP_CODE_USES_NO_LAB_CLASS.evaluate(withTests).hasViolation()).isTrue();
    }
}

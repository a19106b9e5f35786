package dev.milab.userassigned.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The app is what a learner copies to a real VM: it must run with the Azure SDK, JDBC and the pool alone. */
@AnalyzeClasses(packages = "dev.milab.userassigned", importOptions = ImportOption.DoNotIncludeTests.class)
class AppDependsOnNoLabTest {

    @ArchTest
    static final ArchRule the_app_never_uses_the_lab_the_kit_or_the_demo = noClasses()
        .that().resideInAPackage("..app..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.milab.kit..", "dev.milab.lab..",
            "dev.milab.trace..", "dev.milab.routing..", "dev.milab.arm..", "dev.milab.entra..", "dev.milab.imds..",
            "dev.milab.sql..", "dev.milab.keyvault..", "dev.milab.tls..", "dev.milab.http..", "dev.milab.testing..",
            "dev.milab.userassigned.demo..")
        .because("the app package is the code a learner copies to a real VM");

    @ArchTest
    static final ArchRule the_app_uses_only_the_jdk_the_azure_sdk_jdbc_and_the_pool = noClasses()
        .that().resideInAPackage("..app..")
        .should().dependOnClassesThat().resideOutsideOfPackages("java..", "javax..", "com.azure..",
            "com.microsoft.sqlserver.jdbc..", "com.zaxxer.hikari..", "dev.milab.userassigned.app..")
        .because("nothing else travels with the app to a VM");
}

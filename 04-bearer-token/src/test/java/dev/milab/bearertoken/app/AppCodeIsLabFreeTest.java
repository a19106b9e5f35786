package dev.milab.bearertoken.app;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The code a learner copies knows nothing of the lab, and needs no Azure SDK: the JDK and nimbus-jose-jwt only. */
@AnalyzeClasses(packages = "dev.milab.bearertoken.app", importOptions = ImportOption.DoNotIncludeTests.class)
class AppCodeIsLabFreeTest {

    @ArchTest
    static final ArchRule theAppNeverImportsTheLab = noClasses().that().resideInAPackage("dev.milab.bearertoken.app..")
        .should().dependOnClassesThat(resideInAPackage("dev.milab..")
            .and(resideOutsideOfPackage("dev.milab.bearertoken.app..")));

    @ArchTest
    static final ArchRule theAppUsesOnlyTheJdkAndNimbus = noClasses().that()
        .resideInAPackage("dev.milab.bearertoken.app..")
        .should().dependOnClassesThat(resideOutsideOfPackage("dev.milab.bearertoken.app..")
            .and(resideOutsideOfPackage("java.."))
            .and(resideOutsideOfPackage("javax.."))
            .and(resideOutsideOfPackage("com.sun.net.httpserver.."))
            .and(resideOutsideOfPackage("com.nimbusds..")));
}

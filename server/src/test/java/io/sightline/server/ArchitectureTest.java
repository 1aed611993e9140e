package io.sightline.server;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** Keeps the module directions of DESIGN.md and the third-party seams of STYLE.md §2. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("io.sightline");
    }

    private static void check(ArchRule rule) {
        rule.allowEmptyShould(true).check(classes);
    }

    @Test
    void storageDependsOnNoOtherModule() {
        check(noClasses().that().resideInAPackage("io.sightline.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("io.sightline.ingest..", "io.sightline.query..",
                        "io.sightline.alerting..", "io.sightline.server.."));
    }

    @Test
    void ingestAndQueryNeverSeeEachOther() {
        check(noClasses().that().resideInAPackage("io.sightline.ingest..")
                .should().dependOnClassesThat().resideInAnyPackage("io.sightline.query..", "io.sightline.alerting..",
                        "io.sightline.server.."));
        check(noClasses().that().resideInAPackage("io.sightline.query..")
                .should().dependOnClassesThat().resideInAnyPackage("io.sightline.ingest..", "io.sightline.alerting..",
                        "io.sightline.server.."));
    }

    @Test
    void httpDependsOnNoOtherModule() {
        check(noClasses().that().resideInAPackage("io.sightline.http..")
                .should().dependOnClassesThat().resideInAnyPackage("io.sightline.storage..", "io.sightline.ingest..",
                        "io.sightline.query..", "io.sightline.alerting..", "io.sightline.server.."));
    }

    @Test
    void onlyIngestAndQueryUseTheSharedHttpPlumbing() {
        check(noClasses().that().resideOutsideOfPackages("io.sightline.http..", "io.sightline.ingest..",
                        "io.sightline.query..")
                .should().dependOnClassesThat().resideInAPackage("io.sightline.http..")
                .because("it is the plumbing of their two Netty servers, whose types stay in them"));
    }

    @Test
    void alertingReachesQueryAndStorageOnly() {
        check(noClasses().that().resideInAPackage("io.sightline.alerting..")
                .should().dependOnClassesThat().resideInAnyPackage("io.sightline.ingest..", "io.sightline.server.."));
    }

    @Test
    void otherModulesUseOnlyStoragesPublicApi() {
        DescribedPredicate<JavaClass> storageInternals = resideInAPackage("io.sightline.storage..")
                .and(not(resideInAnyPackage("io.sightline.storage", "io.sightline.storage.model")))
                .as("storage internals");
        check(noClasses().that().resideOutsideOfPackage("io.sightline.storage..")
                .should().dependOnClassesThat(storageInternals)
                .because("query and ingest reach storage only through its API (the scale-out seams)"));
    }

    @Test
    void serverUsesOnlyTheRootPackagesOfIngestQueryAndAlerting() {
        check(noClasses().that().resideInAPackage("io.sightline.server..")
                .should().dependOnClassesThat().resideInAnyPackage("io.sightline.ingest.(*)..", "io.sightline.query.(*)..",
                        "io.sightline.alerting.(*).."));
    }

    @Test
    void chronicleMapAndRoaringBitmapStayInsideStorage() {
        check(noClasses().that().resideOutsideOfPackage("io.sightline.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("net.openhft..", "org.roaringbitmap.."));
    }

    @Test
    void nettyAndGrpcTypesStayInTheServerFacingPackages() {
        check(noClasses().that().resideOutsideOfPackages("io.sightline.http..", "io.sightline.ingest.http..",
                        "io.sightline.ingest.grpc..", "io.sightline.query.api..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "io.grpc.."));
    }
}

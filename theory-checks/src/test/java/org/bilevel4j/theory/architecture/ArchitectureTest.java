package org.bilevel4j.theory.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.ServiceLoader;
import org.bilevel4j.api.backend.BackendProvider;
import org.bilevel4j.api.tensor.Backends;

/**
 * The architecture, checked on the production classes of every module on this class path: the api is
 * vendor-free, algorithms and apps reach backends only through the SPI, backends are independent, only the
 * resolver uses ServiceLoader, the neural-network blocks and the testkit depend on the api only and no library code on it, there are no package
 * cycles, and library code neither prints nor uses java.util.logging.
 */
@AnalyzeClasses(packages = "org.bilevel4j", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String[] VENDORS = {"org.ejml..", "ai.djl..", "org.tensorflow..", "org.bytedeco.."};

    @ArchTest
    static final ArchRule apiDependsOnTheJdkOnly = classes().that().resideInAPackage("org.bilevel4j.api..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.bilevel4j.api..")
            .because("api is the vendor-free contract every module builds on");

    @ArchTest
    static final ArchRule algorithmsAndAppsNeverSeeABackendOrVendor = noClasses().that()
            .resideInAnyPackage("org.bilevel4j.algorithms..", "org.bilevel4j.apps..", "org.bilevel4j.theory..",
                    "org.bilevel4j.nn..", "org.bilevel4j.functional..")
            .should().dependOnClassesThat().resideInAnyPackage(concat("org.bilevel4j.backend..", VENDORS))
            .because("backends are reached through the SPI and chosen at run time");

    @ArchTest
    static final ArchRule networksDependOnTheApiOnly = classes().that().resideInAPackage("org.bilevel4j.nn..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.bilevel4j.api..",
                    "org.bilevel4j.nn..", "org.slf4j..")
            .because("the neural-network building blocks are plain tensor programs, usable without the algorithms");

    @ArchTest
    static final ArchRule testkitDependsOnTheApiOnly = classes().that().resideInAPackage("org.bilevel4j.testkit..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.bilevel4j.api..",
                    "org.bilevel4j.testkit..", "org.junit..", "org.opentest4j..")
            .because("the testkit is shared by the tests of every module, backends included");

    @ArchTest
    static final ArchRule noLibraryCodeUsesTheTestkit = noClasses().that()
            .resideOutsideOfPackage("org.bilevel4j.testkit..").should().dependOnClassesThat()
            .resideInAPackage("org.bilevel4j.testkit..")
            .because("the testkit is a test-scoped dependency");

    @ArchTest
    static final ArchRule backendsAreIndependent = slices().matching("org.bilevel4j.backend.(*)..")
            .should().notDependOnEachOther();

    @ArchTest
    static final ArchRule onlyTheResolverUsesServiceLoader = noClasses().that().doNotHaveFullyQualifiedName(
            Backends.class.getName()).should().dependOnClassesThat().areAssignableTo(ServiceLoader.class);

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("org.bilevel4j.(**)").should().beFreeOfCycles();

    /** The layers of the api: element types and shapes, then the backend SPI, then tensors and resolution. */
    @ArchTest
    static final ArchRule theSpiSitsBelowTensors = noClasses().that().resideInAnyPackage("org.bilevel4j.api.backend",
            "org.bilevel4j.api.tensor.types").should().dependOnClassesThat().resideInAPackage("org.bilevel4j.api.tensor");

    @ArchTest
    static final ArchRule librariesDoNotPrint = noClasses().that().resideOutsideOfPackage("org.bilevel4j.apps..")
            .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS)
            .because("library code logs through SLF4J or System.Logger; only the command-line tool prints");

    @ArchTest
    static final ArchRule noJavaUtilLogging = GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;

    @ArchTest
    static final ArchRule exceptionsAreUnchecked = classes().that().resideInAPackage("org.bilevel4j.api.error")
            .and().areAssignableTo(Throwable.class).should().beAssignableTo(RuntimeException.class);

    @ArchTest
    static final ArchRule providersArePublicFinalAndNamed = classes().that().implement(BackendProvider.class)
            .should().bePublic().andShould().haveModifier(JavaModifier.FINAL)
            .andShould().haveSimpleNameEndingWith("BackendProvider")
            .andShould().resideInAPackage("org.bilevel4j.backend.*");

    @ArchTest
    static void everyProviderIsRegisteredAsAService(JavaClasses classes) throws IOException {
        List<String> registered = new ArrayList<>();
        Enumeration<URL> files = ArchitectureTest.class.getClassLoader()
                .getResources("META-INF/services/" + BackendProvider.class.getName());
        while (files.hasMoreElements()) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(files.nextElement().openStream(),
                    StandardCharsets.UTF_8))) {
                r.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(registered::add);
            }
        }
        List<JavaClass> providers = classes.stream()
                .filter(c -> c.isAssignableTo(BackendProvider.class) && !c.isInterface()).toList();
        assertFalse(providers.isEmpty(), "no BackendProvider implementation found on the class path");
        for (JavaClass c : providers) {
            assertTrue(registered.contains(c.getName()), c.getName() + " is not listed in META-INF/services");
        }
    }

    private static String[] concat(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}

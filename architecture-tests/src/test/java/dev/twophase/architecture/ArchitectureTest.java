package dev.twophase.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

/**
 * The design of twophase as rules over the compiled main classes of every module: applications
 * (demo, samples, benchmarks) on top of the participants, the participants on top of the
 * coordinator; each module's {@code internal} packages its own; the fault injector at the edge of
 * the coordinator; Atomikos internals and {@code setAccessible} in one package; no package cycles.
 *
 * <p>A rule that fails names each offending dependency with its class and line. Fix the code, not
 * the rule: each rule says why it exists in its {@code because}.
 */
@AnalyzeClasses(packages = "dev.twophase", locations = Repository.ApplicationClasses.class,
        importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String COORDINATOR = "dev.twophase.coordinator..";
    private static final String PARTICIPANTS = "dev.twophase.participants..";
    private static final String TESTING = "dev.twophase.testing..";
    private static final String CLI = "dev.twophase.cli..";
    private static final String DEMO = "dev.twophase.demo..";
    private static final String SAMPLES = "dev.twophase.samples..";
    private static final String BENCHMARKS = "dev.twophase.benchmarks..";
    private static final String ATOMIKOS_ADAPTER = "dev.twophase.coordinator.atomikos..";

    /** The second segment of a package under dev.twophase: one per module (cli is the operator CLI). */
    private static final List<String> MODULES = List.of("coordinator", "participants", "testing", "cli", "demo", "samples",
            "benchmarks");

    // ---------------------------------------------------------------------------------------------
    // Modules

    @ArchTest
    static final ArchRule applicationsDependOnParticipantsAndParticipantsOnTheCoordinatorNeverUpward =
            layeredArchitecture().consideringOnlyDependenciesInLayers()
                    .withOptionalLayers(true)
                    .layer("coordinator").definedBy(COORDINATOR)
                    .layer("participants").definedBy(PARTICIPANTS)
                    .layer("testing").definedBy(TESTING)
                    .layer("operator CLI").definedBy(CLI)
                    .layer("demo").definedBy(DEMO)
                    .layer("samples").definedBy(SAMPLES)
                    .layer("benchmarks").definedBy(BENCHMARKS)
                    .whereLayer("coordinator").mayOnlyBeAccessedByLayers("participants", "testing", "demo", "samples", "benchmarks")
                    .whereLayer("participants").mayOnlyBeAccessedByLayers("testing", "demo", "samples", "benchmarks")
                    .whereLayer("testing").mayOnlyBeAccessedByLayers("benchmarks")
                    .whereLayer("operator CLI").mayNotBeAccessedByAnyLayer()
                    .whereLayer("demo").mayNotBeAccessedByAnyLayer()
                    .whereLayer("samples").mayNotBeAccessedByAnyLayer()
                    .whereLayer("benchmarks").mayNotBeAccessedByAnyLayer()
                    .because("an application builds on the starter's participants, which build on the coordinator;"
                            + " a library that knows an application cannot be used without it");

    @ArchTest
    static final ArchRule coordinatorDependsOnNoOtherTwophaseModule = noClasses().that().resideInAPackage(COORDINATOR)
            .should().dependOnClassesThat().resideInAnyPackage(PARTICIPANTS, DEMO, SAMPLES, TESTING, CLI, BENCHMARKS)
            .because("the coordinator is the bottom layer: participants, applications and test support build on it");

    @ArchTest
    static final ArchRule participantsDependOnNoApplicationAndNoTestSupport = noClasses().that().resideInAPackage(PARTICIPANTS)
            .should().dependOnClassesThat().resideInAnyPackage(DEMO, SAMPLES, BENCHMARKS, TESTING, CLI)
            .because("participants are a library every application adds through the starter");

    @ArchTest
    static final ArchRule participantsUseOnlyTheCoordinatorsStartupExceptionAndXaResourceChain = noClasses()
            .that().resideInAPackage(PARTICIPANTS)
            .should().dependOnClassesThat(coordinatorClassOtherThan("dev.twophase.coordinator.TwophaseStartupException",
                    "dev.twophase.coordinator.xa.XaResourceChain", "dev.twophase.coordinator.xa.PlainXid",
                    "dev.twophase.coordinator.xa.DelegatingXAResource", "dev.twophase.coordinator.xa.VendorWrapper",
                    "dev.twophase.coordinator.atomikos.JmsRecovery",
                    "dev.twophase.coordinator.autoconfigure.TwophaseCoordinatorAutoConfiguration"))
            .because("the participants decorate their XA factories through the XaResourceChain bean (a decoration of their"
                    + " own under it is a DelegatingXAResource or a VendorWrapper, so the chain still unwraps to the vendor),"
                    + " register a pool that is not Atomikos's for recovery through JmsRecovery, report bad configuration as"
                    + " TwophaseStartupException, hand out recovered branches as the one Xid type and order their"
                    + " auto-configuration after the coordinator's; nothing else of the coordinator is their contract");

    @ArchTest
    static final ArchRule noModuleUsesTheInternalPackagesOfAnother = internalPackagesUsedOnlyByTheirOwnModule();

    @ArchTest
    static final ArchRule modulesAreFreeOfCycles = slices().matching("dev.twophase.(*)..").should().beFreeOfCycles();

    // ---------------------------------------------------------------------------------------------
    // Coordinator

    @ArchTest
    static final ArchRule recoveryConsoleMetricsXaAndLogNeverDependOnTheFaultInjector = noClasses()
            .that().resideInAnyPackage("dev.twophase.coordinator.recovery..", "dev.twophase.coordinator.console..",
                    "dev.twophase.coordinator.metrics..", "dev.twophase.coordinator.xa..", "dev.twophase.coordinator.log..")
            .should().dependOnClassesThat().resideInAPackage("dev.twophase.coordinator.fault..")
            .because("fault injection is an optional link at the edge of the XA chain: turning it off or removing it"
                    + " must leave the heuristic guard, metrics, the log and recovery as they are");

    @ArchTest
    static final ArchRule onlyTheAtomikosPackageUsesAtomikosInternals = noClasses()
            .that().resideOutsideOfPackage(ATOMIKOS_ADAPTER)
            .should().dependOnClassesThat().resideInAnyPackage("com.atomikos.icatch.imp..", "com.atomikos.icatch.config.imp..",
                    "com.atomikos.recovery.fs..", "com.atomikos.persistence..", "com.atomikos.jdbc.internal..",
                    "com.atomikos.jms.internal..", "com.atomikos.util..", "com.atomikos.datasource.xa.jms..")
            .because("every use of an Atomikos implementation class is listed in dev.twophase.coordinator.atomikos and"
                    + " checked at startup, so an Atomikos upgrade that breaks one fails with the Atomikos version named");

    @ArchTest
    static final ArchRule onlyTheAtomikosPackageMakesPrivateMembersAccessible = noClasses()
            .that().resideOutsideOfPackage(ATOMIKOS_ADAPTER)
            .should().callMethodWhere(makesPrivateMembersAccessible())
            .because("reaching into a vendor's private members is kept in one package, listed and checked at startup"
                    + " (CONVENTIONS 15)");

    // One slice per package right below the module root, and one for the root itself: the
    // participants' cycle ran through the root (JdbcParticipants -> postgresql -> internal -> root).

    @ArchTest
    static final ArchRule coordinatorPackagesAreFreeOfCycles = slices().assignedFrom(packagesBelow("dev.twophase.coordinator"))
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule participantsPackagesAreFreeOfCycles = slices().assignedFrom(packagesBelow("dev.twophase.participants"))
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule demoPackagesAreFreeOfCycles = slices().assignedFrom(packagesBelow("dev.twophase.demo"))
            .should().beFreeOfCycles();

    /** A rule over nothing passes: the applications, read from their folders, must really be there. */
    @ArchTest
    static void everyModuleWithMainCodeIsAnalysed(JavaClasses classes) {
        assertThat(classes.stream().map(c -> c.getPackageName().split("\\.")).filter(p -> p.length > 2).map(p -> p[2]))
                .as("modules whose classes were imported").contains("coordinator", "participants", "testing", "cli", "demo",
                        "samples", "benchmarks");
    }

    // ---------------------------------------------------------------------------------------------

    private static ArchRule internalPackagesUsedOnlyByTheirOwnModule() {
        CompositeArchRule rule = null;
        for (String module : MODULES) {
            String root = "dev.twophase." + module;
            ArchRule own = noClasses().that().resideOutsideOfPackage(root + "..")
                    .should().dependOnClassesThat().resideInAPackage(root + "..internal..")
                    .because(root + "..internal.. is the implementation of " + root + ", free to change; other modules use its API");
            rule = rule == null ? CompositeArchRule.of(own) : rule.and(own);
        }
        return rule;
    }

    private static DescribedPredicate<JavaClass> coordinatorClassOtherThan(String... allowed) {
        Set<String> names = Set.of(allowed);
        return DescribedPredicate.describe("are in the coordinator other than " + names, c -> {
            JavaClass type = c.getBaseComponentType();
            String outermost = type.getName().replaceFirst("\\$.*", "");
            return type.getPackageName().startsWith("dev.twophase.coordinator") && !names.contains(outermost);
        });
    }

    private static DescribedPredicate<JavaMethodCall> makesPrivateMembersAccessible() {
        Set<String> reflection = Set.of(AccessibleObject.class.getName(), Field.class.getName(), Method.class.getName(),
                Constructor.class.getName(), Executable.class.getName());
        return DescribedPredicate.describe("make private members accessible (setAccessible, trySetAccessible,"
                + " ReflectionUtils.makeAccessible, MethodHandles.privateLookupIn)", call -> {
                    String owner = call.getTargetOwner().getName();
                    String name = call.getName();
                    return reflection.contains(owner) && (name.equals("setAccessible") || name.equals("trySetAccessible"))
                            || owner.equals("org.springframework.util.ReflectionUtils") && name.equals("makeAccessible")
                            || owner.equals("java.lang.invoke.MethodHandles") && name.equals("privateLookupIn");
                });
    }

    /** Slices: the module's root package, and each package right below it with its subpackages. */
    private static SliceAssignment packagesBelow(String moduleRoot) {
        return new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                String pkg = javaClass.getPackageName();
                if (pkg.equals(moduleRoot)) {
                    return SliceIdentifier.of(moduleRoot);
                }
                if (!pkg.startsWith(moduleRoot + ".")) {
                    return SliceIdentifier.ignore();
                }
                String below = pkg.substring(moduleRoot.length() + 1);
                int dot = below.indexOf('.');
                return SliceIdentifier.of(moduleRoot + "." + (dot < 0 ? below : below.substring(0, dot)));
            }

            @Override
            public String getDescription() {
                return "the packages of " + moduleRoot + " (its root, and each package right below it with its subpackages)";
            }
        };
    }
}

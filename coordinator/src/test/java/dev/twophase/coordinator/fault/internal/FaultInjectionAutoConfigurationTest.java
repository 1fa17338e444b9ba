package dev.twophase.coordinator.fault.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;

import dev.twophase.coordinator.TwophaseStartupException;
import dev.twophase.coordinator.autoconfigure.TwophaseCoordinatorAutoConfiguration;
import dev.twophase.coordinator.fault.Fault;
import dev.twophase.coordinator.fault.FaultInjector;
import dev.twophase.coordinator.fault.FaultProperties;

/** Every context here is closed by {@code run}, which disables its injector. */
class FaultInjectionAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FaultInjectionAutoConfiguration.class));

    @Test
    void isOffByDefaultAndThenThereIsNoInjectorAtAll() {
        runner.run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean(FaultProperties.class).enabled()).isFalse();
            assertThat(ctx).doesNotHaveBean(FaultInjector.class);
        });
    }

    @Test
    void closingTheContextDisablesItsInjector() {
        FaultInjector[] injector = new FaultInjector[1];
        runner.withPropertyValues("twophase.faults.enabled=true", "twophase.faults.arm=bankA:BEFORE_COMMIT:HALT")
                .run(ctx -> injector[0] = ctx.getBean(FaultInjector.class));
        assertThat(injector[0].isEnabled()).isFalse();
        assertThat(injector[0].armed()).isEmpty();
    }

    @Test
    void armsTheConfiguredRulesAtStartup() {
        runner.withPropertyValues("twophase.faults.enabled=true",
                "twophase.faults.arm[0]=bankA:BEFORE_COMMIT:HALT",
                "twophase.faults.arm[1]=bankB:BEFORE_PREPARE:FAIL(XA_RBROLLBACK):x2:skip=1",
                "twophase.faults.arm[2]=broker:AFTER_PREPARE:DELAY(2s):always").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    FaultInjector injector = ctx.getBean(FaultInjector.class);
                    assertThat(injector.isEnabled()).isTrue();
                    assertThat(injector.armed()).extracting(Fault::toString).containsExactly(
                            "bankA:BEFORE_COMMIT:HALT", "bankB:BEFORE_PREPARE:FAIL(XA_RBROLLBACK):x2:skip=1",
                            "broker:AFTER_PREPARE:DELAY(2s):always");
                });
    }

    @Test
    void acceptsACommaSeparatedList() {
        runner.withPropertyValues("twophase.faults.enabled=true",
                "twophase.faults.arm=bankA:BEFORE_COMMIT:HALT,bankB:AFTER_COMMIT:FAIL(XAER_RMFAIL)").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBean(FaultInjector.class).armed()).hasSize(2);
                });
    }

    @Test
    void enabledWithoutRulesArmsNothingButAllowsArmingLater() {
        runner.withPropertyValues("twophase.faults.enabled=true").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            FaultInjector injector = ctx.getBean(FaultInjector.class);
            assertThat(injector.armed()).isEmpty();
            injector.arm("bankA:AFTER_COMMIT:HALT");
            assertThat(injector.armed()).hasSize(1);
        });
    }

    @Test
    void refusesRulesWhileDisabledNamingBothProperties() {
        runner.withPropertyValues("twophase.faults.arm[0]=bankA:BEFORE_COMMIT:HALT").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause().isInstanceOfSatisfying(TwophaseStartupException.class, e -> {
                assertThat(e.subject()).isEqualTo("fault injection");
                assertThat(e.getMessage()).contains("twophase.faults.arm lists 1 rule(s) [bankA:BEFORE_COMMIT:HALT]")
                        .contains("twophase.faults.enabled is false");
                assertThat(e.action()).contains("Set twophase.faults.enabled=true").contains("remove twophase.faults.arm");
            });
        });
    }

    @Test
    void refusesToEnableInAProductionProfile() {
        for (String profile : new String[] { "prod", "production", "PROD" }) {
            runner.withPropertyValues("twophase.faults.enabled=true")
                    .withInitializer(ctx -> ctx.getEnvironment().setActiveProfiles("eu-west", profile))
                    .run(ctx -> {
                        assertThat(ctx).hasFailed();
                        assertThat(ctx.getStartupFailure()).rootCause().isInstanceOfSatisfying(TwophaseStartupException.class, e -> {
                            assertThat(e.getMessage()).contains("twophase.faults.enabled=true while profile '" + profile + "' is active");
                            assertThat(e.action()).contains("Remove twophase.faults.enabled and twophase.faults.arm")
                                    .contains("profile '" + profile + "'");
                        });
                    });
        }
    }

    @Test
    void refusesToEnableWhenProductionIsTheDefaultProfile() {
        runner.withPropertyValues("twophase.faults.enabled=true")
                .withInitializer(ctx -> ctx.getEnvironment().setDefaultProfiles("production"))
                .run(ctx -> assertThat(ctx).hasFailed());
    }

    @Test
    void startsInAProductionProfileWhileDisabled() {
        runner.withInitializer(ctx -> ctx.getEnvironment().setActiveProfiles("prod")).run(ctx -> assertThat(ctx).hasNotFailed());
    }

    @Test
    void refusesAMalformedRuleNamingTheListEntryAndTheValue() {
        runner.withPropertyValues("twophase.faults.enabled=true",
                "twophase.faults.arm[0]=bankA:BEFORE_COMMIT:HALT",
                "twophase.faults.arm[1]=bankB:BEFORE_COMIT:HALT").run(ctx -> {
                    assertThat(ctx).hasFailed();
                    Throwable root = NestedExceptionUtils.getMostSpecificCause(ctx.getStartupFailure());
                    assertThat(root).isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, e -> {
                        assertThat(e.getName()).isEqualTo("twophase.faults.arm[1]");
                        assertThat(e.getValue()).isEqualTo("bankB:BEFORE_COMIT:HALT");
                        assertThat(e.getReason()).contains("unknown crash point 'BEFORE_COMIT'").contains("BEFORE_COMMIT");
                    });
                    assertThat(root).hasMessageContaining("twophase.faults.arm[1]").hasMessageContaining("bankB:BEFORE_COMIT:HALT");
                    // The context did not start: no injector exists to act on the good rule either.
                });
    }

    @Test
    void armsBeforeTheTransactionServiceStartsSoRulesSeeTheFirstRecoveryScan(@TempDir Path logDir) {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(TwophaseCoordinatorAutoConfiguration.class, FaultInjectionAutoConfiguration.class))
                .withPropertyValues("twophase.coordinator.tm-name=faults-test", "twophase.coordinator.log-dir=" + logDir,
                        "twophase.coordinator.recovery-delay=1m", "twophase.faults.enabled=true")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBeanFactory().getBeanDefinition("atomikosTransactionService").getDependsOn())
                            .contains(FaultInjectionAutoConfiguration.FAULT_INJECTOR_BEAN);
                });
    }
}

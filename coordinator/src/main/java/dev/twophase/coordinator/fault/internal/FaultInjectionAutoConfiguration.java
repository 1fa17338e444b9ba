package dev.twophase.coordinator.fault.internal;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import dev.twophase.coordinator.fault.FaultInjector;
import dev.twophase.coordinator.fault.FaultProperties;

/**
 * Fault injection at the edge of the coordinator: with {@code twophase.faults.enabled=true} it
 * creates an enabled {@link FaultInjector} bean, arms the rules of {@code twophase.faults.arm}, and
 * the coordinator's {@code XaResourceChain} picks the injector up as its innermost link. Without it
 * there is no injector and no participant passes one. Either way the settings are checked at
 * startup: rules while disabled, or enabling it in a production profile, fail the start.
 *
 * <p>The rules are armed before the Atomikos transaction service starts, so they see the first
 * recovery scan (see {@code AtomikosResourceOrdering}). Closing the context disables the injector.
 */
@AutoConfiguration
@EnableConfigurationProperties(FaultProperties.class)
public class FaultInjectionAutoConfiguration implements InitializingBean {

    /** Name of the {@link FaultInjector} bean. */
    public static final String FAULT_INJECTOR_BEAN = "twophaseFaultInjector";

    private final FaultProperties properties;
    private final Environment environment;

    FaultInjectionAutoConfiguration(FaultProperties properties, Environment environment) {
        this.properties = properties;
        this.environment = environment;
    }

    @Override
    public void afterPropertiesSet() {
        // Refuses rules without enabled=true, and enabled=true in a production profile, whether or not an injector is made.
        FaultSettings.rules(properties, environment);
    }

    @Bean(name = FAULT_INJECTOR_BEAN, destroyMethod = "disable")
    @ConditionalOnProperty(prefix = "twophase.faults", name = "enabled", havingValue = "true")
    @ConditionalOnMissingBean
    FaultInjector twophaseFaultInjector() {
        FaultInjector injector = new FaultInjector();
        injector.enable();
        FaultSettings.rules(properties, environment).forEach(injector::arm);
        return injector;
    }
}

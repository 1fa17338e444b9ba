package dev.twophase.coordinator.fault.internal;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import dev.twophase.coordinator.fault.FaultInjector;
import dev.twophase.coordinator.fault.FaultProperties;

/**
 * Applies {@code twophase.faults.*} to the JVM's {@link FaultInjector} and exposes it as a bean
 * (for an admin endpoint, say). The rules of {@code twophase.faults.arm} are armed before the
 * Atomikos transaction service starts, so they see the first recovery scan; see
 * {@code AtomikosResourceOrdering}. Closing the context disables the injector again if this
 * context enabled it.
 */
@AutoConfiguration
@EnableConfigurationProperties(FaultProperties.class)
public class FaultInjectionAutoConfiguration implements DisposableBean {

    /** Name of the {@link FaultInjector} bean. */
    public static final String FAULT_INJECTOR_BEAN = "twophaseFaultInjector";

    private volatile boolean enabledHere;

    @Bean(name = FAULT_INJECTOR_BEAN, destroyMethod = "")
    FaultInjector twophaseFaultInjector(FaultProperties properties, Environment environment) {
        var rules = FaultSettings.rules(properties, environment);
        FaultInjector injector = FaultInjector.instance();
        if (properties.enabled()) {
            injector.enable();
            enabledHere = true;
            rules.forEach(injector::arm);
        }
        return injector;
    }

    @Override
    public void destroy() {
        if (enabledHere) {
            FaultInjector.instance().disable();
        }
    }
}

package dev.twophase.coordinator.autoconfigure;

import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.ClassUtils;

import dev.twophase.coordinator.atomikos.AtomikosInternals;
import dev.twophase.coordinator.fault.internal.FaultInjectionAutoConfiguration;

/**
 * Makes every Atomikos pool (JDBC data source, JMS connection factory) depend on the transaction
 * service, so the service starts before any resource registers for recovery, and the pools close
 * only after the service stopped taking new transactions. The service in turn depends on the fault
 * injector bean when there is one, so faults armed at startup are armed before the first recovery scan.
 */
class AtomikosResourceOrdering implements BeanFactoryPostProcessor {

    static final String TRANSACTION_SERVICE_BEAN = "atomikosTransactionService";

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        if (beanFactory.containsBeanDefinition(TRANSACTION_SERVICE_BEAN)
                && beanFactory.containsBeanDefinition(FaultInjectionAutoConfiguration.FAULT_INJECTOR_BEAN)) {
            addDependsOn(beanFactory.getBeanDefinition(TRANSACTION_SERVICE_BEAN), FaultInjectionAutoConfiguration.FAULT_INJECTOR_BEAN);
        }
        ClassLoader classLoader = beanFactory.getBeanClassLoader();
        for (String typeName : AtomikosInternals.POOL_BEAN_TYPES) {
            if (!ClassUtils.isPresent(typeName, classLoader)) {
                continue;
            }
            Class<?> type = ClassUtils.resolveClassName(typeName, classLoader);
            for (String name : beanFactory.getBeanNamesForType(type, true, false)) {
                addDependsOn(beanFactory.getBeanDefinition(name), TRANSACTION_SERVICE_BEAN);
            }
        }
    }

    private static void addDependsOn(BeanDefinition definition, String beanName) {
        Set<String> dependsOn = new LinkedHashSet<>();
        if (definition.getDependsOn() != null) {
            dependsOn.addAll(java.util.List.of(definition.getDependsOn()));
        }
        dependsOn.add(beanName);
        definition.setDependsOn(dependsOn.toArray(String[]::new));
    }
}

package dev.twophase.participants.autoconfigure;

import java.nio.file.Path;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.RuntimeBeanReference;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

import dev.twophase.coordinator.TwophaseStartupException;
import dev.twophase.coordinator.xa.XaResourceChain;
import dev.twophase.participants.JdbcParticipantSettings;
import dev.twophase.participants.artemis.ArtemisParticipantSettings;

/**
 * Binds {@code twophase.participants} and registers the beans of every participant (see
 * {@link TwophaseParticipantsAutoConfiguration}), skipping each bean whose name the application already uses.
 */
class ParticipantBeanRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware {

    private static final Logger log = LoggerFactory.getLogger(ParticipantBeanRegistrar.class);

    private static final String FLYWAY = "org.flywaydb.core.Flyway";
    private static final String ARTEMIS_CLIENT = "org.apache.activemq.artemis.jms.client.ActiveMQXAConnectionFactory";
    private static final String POOLED_JMS = "org.messaginghub.pooled.jms.JmsPoolXAConnectionFactory";
    /** The coordinator's Atomikos transaction service bean (TwophaseCoordinatorAutoConfiguration). */
    private static final String TRANSACTION_SERVICE_BEAN = "atomikosTransactionService";
    private static final String ARTEMIS_SERVER = "org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ";

    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        ParticipantsProperties properties = Binder.get(environment)
                .bindOrCreate(ParticipantsProperties.PREFIX, ParticipantsProperties.class)
                .validate();
        ClassLoader classLoader = getClass().getClassLoader();
        properties.jdbc().forEach((name, p) -> registerJdbc(registry, name, p, classLoader));
        int embeddedBrokers = 0;
        for (Map.Entry<String, ParticipantsProperties.Jms> e : properties.jms().entrySet()) {
            if (registerJms(registry, e.getKey(), e.getValue(), embeddedBrokers, classLoader)) {
                embeddedBrokers++;
            }
        }
    }

    private static void registerJdbc(BeanDefinitionRegistry registry, String name, ParticipantsProperties.Jdbc p, ClassLoader classLoader) {
        String prefix = ParticipantsProperties.PREFIX + ".jdbc." + name;
        if (p.flyway().active() && !ClassUtils.isPresent(FLYWAY, classLoader)) {
            throw new InvalidConfigurationPropertyValueException(prefix + ".flyway.locations", p.flyway().locations(),
                    "Flyway is not on the class path; add org.flywaydb:flyway-core (and flyway-database-postgresql or"
                            + " flyway-mysql), or set " + prefix + ".flyway.enabled=false");
        }
        JdbcParticipantSettings settings = new JdbcParticipantSettings(name, p.url(), p.username(), p.password(),
                p.minPoolSize(), p.maxPoolSize(), p.borrowTimeout(), p.validationWindow(), prefix);

        RootBeanDefinition dataSource = definition(JdbcParticipantBeans.class, "dataSource",
                com.atomikos.jdbc.AtomikosDataSourceBean.class, name);
        dataSource.getConstructorArgumentValues().addIndexedArgumentValue(0, settings);
        dataSource.getConstructorArgumentValues().addIndexedArgumentValue(1, p.flyway());
        dataSource.getConstructorArgumentValues().addIndexedArgumentValue(2, new RuntimeBeanReference(XaResourceChain.class));
        dataSource.setInitMethodName("init");
        dataSource.setDestroyMethodName("close");
        register(registry, name, dataSource, javax.sql.DataSource.class, prefix);

        RootBeanDefinition template = definition(JdbcParticipantBeans.class, "jdbcTemplate",
                org.springframework.jdbc.core.JdbcTemplate.class, name);
        template.getConstructorArgumentValues().addIndexedArgumentValue(0, new RuntimeBeanReference(name));
        register(registry, name + "JdbcTemplate", template, org.springframework.jdbc.core.JdbcOperations.class, prefix);
    }

    /** @return whether the participant has an embedded broker */
    private static boolean registerJms(BeanDefinitionRegistry registry, String name, ParticipantsProperties.Jms p, int embeddedIndex,
            ClassLoader classLoader) {
        String prefix = ParticipantsProperties.PREFIX + ".jms." + name;
        if (!ClassUtils.isPresent(ARTEMIS_CLIENT, classLoader)) {
            throw new InvalidConfigurationPropertyValueException(prefix + ".url", p.url(),
                    "the Artemis client is not on the class path; add org.apache.activemq:artemis-jakarta-client");
        }
        boolean embedded = p.embedded().enabled();
        String url = p.url() == null || p.url().isBlank() ? "vm://" + embeddedIndex : p.url();
        String brokerBean = name + "Broker";
        if (embedded) {
            if (!ClassUtils.isPresent(ARTEMIS_SERVER, classLoader)) {
                throw new InvalidConfigurationPropertyValueException(prefix + ".embedded.enabled", true,
                        "the Artemis broker is not on the class path; add org.apache.activemq:artemis-jakarta-server,"
                                + " or run a broker and set " + prefix + ".url");
            }
            Path dataDir = p.embedded().dataDir() != null ? p.embedded().dataDir() : Path.of("data", "broker", name);
            RootBeanDefinition broker = definition(JmsParticipantBeans.class, "embeddedBroker",
                    dev.twophase.participants.artemis.ArtemisBroker.class, name);
            broker.getConstructorArgumentValues().addIndexedArgumentValue(0, dataDir);
            broker.getConstructorArgumentValues().addIndexedArgumentValue(1, embeddedIndex);
            broker.setDestroyMethodName("close");
            register(registry, brokerBean, broker, dev.twophase.participants.artemis.ArtemisBroker.class, prefix);
        }
        ArtemisParticipantSettings settings = new ArtemisParticipantSettings(name, url, p.user(), p.password(), p.maxPoolSize(), prefix);
        RootBeanDefinition factory;
        if (p.pooledJms()) {
            if (!ClassUtils.isPresent(POOLED_JMS, classLoader)) {
                throw new InvalidConfigurationPropertyValueException(prefix + ".pool", p.pool(),
                        "pooled-jms is not on the class path; add org.messaginghub:pooled-jms, or use pool=atomikos");
            }
            factory = definition(JmsParticipantBeans.class, "pooledConnectionFactory",
                    dev.twophase.participants.artemis.PooledXaConnectionFactory.class, name);
            factory.getConstructorArgumentValues().addIndexedArgumentValue(2,
                    new RuntimeBeanReference(jakarta.transaction.TransactionManager.class));
            // After the transaction service (init registers the broker for recovery), closed before it, like Atomikos's pools.
            factory.setDependsOn(TRANSACTION_SERVICE_BEAN);
        } else {
            factory = definition(JmsParticipantBeans.class, "connectionFactory",
                    com.atomikos.jms.AtomikosConnectionFactoryBean.class, name);
        }
        factory.getConstructorArgumentValues().addIndexedArgumentValue(0, settings);
        factory.getConstructorArgumentValues().addIndexedArgumentValue(1, new RuntimeBeanReference(XaResourceChain.class));
        factory.setInitMethodName("init");
        factory.setDestroyMethodName("close");
        if (embedded) {
            String[] before = factory.getDependsOn() == null ? new String[0] : factory.getDependsOn();
            String[] all = java.util.Arrays.copyOf(before, before.length + 1);
            all[before.length] = brokerBean;
            factory.setDependsOn(all);
        }
        register(registry, name, factory, jakarta.jms.ConnectionFactory.class, prefix);

        RootBeanDefinition template = definition(JmsParticipantBeans.class, "jmsTemplate",
                org.springframework.jms.core.JmsTemplate.class, name);
        template.getConstructorArgumentValues().addIndexedArgumentValue(0, new RuntimeBeanReference(name));
        register(registry, name + "JmsTemplate", template, org.springframework.jms.core.JmsOperations.class, prefix);
        return embedded;
    }

    private static RootBeanDefinition definition(Class<?> factoryClass, String factoryMethod, Class<?> type, String participant) {
        RootBeanDefinition definition = new RootBeanDefinition(factoryClass);
        definition.setFactoryMethodName(factoryMethod);
        // Known before the bean exists, so type lookups (Boot's conditions, the coordinator's ordering) see it.
        definition.setTargetType(type);
        definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, participant));
        return definition;
    }

    /**
     * Registers the bean unless the application has one of that name. An application bean of another kind with that
     * name (a component class {@code Orders} is bean {@code orders}) is refused: it would silently take the
     * participant's place.
     */
    private static void register(BeanDefinitionRegistry registry, String beanName, RootBeanDefinition definition,
            Class<?> expectedType, String prefix) {
        if (!registry.containsBeanDefinition(beanName)) {
            registry.registerBeanDefinition(beanName, definition);
            return;
        }
        Class<?> existing = declaredType(registry.getBeanDefinition(beanName));
        if (existing != null && !expectedType.isAssignableFrom(existing)) {
            throw new TwophaseStartupException("participant '" + prefix.substring(prefix.lastIndexOf('.') + 1) + "' (" + prefix + ")",
                    "the application already has a bean named '" + beanName + "' of type " + existing.getName()
                            + ", which is not a " + expectedType.getSimpleName() + ", so the participant's bean cannot take that name",
                    "Rename that bean (e.g. @Component(\"" + beanName + "Service\")), or give the participant another name"
                            + " under " + prefix.substring(0, prefix.lastIndexOf('.')) + " if it holds no prepared transactions.",
                    null);
        }
        log.debug("The application defines bean '{}'; twophase does not register its own", beanName);
    }

    /** The type an application bean definition declares (class or factory method return type), or {@code null} when unknown here. */
    private static Class<?> declaredType(BeanDefinition definition) {
        String typeName = definition.getBeanClassName();
        if (definition instanceof AnnotatedBeanDefinition annotated && annotated.getFactoryMethodMetadata() != null) {
            typeName = annotated.getFactoryMethodMetadata().getReturnTypeName();
        } else if (definition.getFactoryMethodName() != null) {
            return null;
        }
        if (typeName == null) {
            return null;
        }
        try {
            return ClassUtils.forName(typeName, ParticipantBeanRegistrar.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }
}

package dev.twophase.participants.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;

import dev.twophase.coordinator.autoconfigure.TwophaseCoordinatorAutoConfiguration;

/**
 * Registers the XA participants declared under {@code twophase.participants} as beans, per participant {@code <name>}:
 * <ul>
 * <li>{@code twophase.participants.jdbc.<name>}: an {@code AtomikosDataSourceBean} named {@code <name>} and a
 *     {@code JdbcTemplate} named {@code <name>JdbcTemplate};</li>
 * <li>{@code twophase.participants.jms.<name>}: a {@code PooledXaConnectionFactory} (or, with {@code pool=atomikos},
 *     an {@code AtomikosConnectionFactoryBean}) named {@code <name>}, a {@code JmsTemplate} named
 *     {@code <name>JmsTemplate} (session-transacted only under Atomikos's pool), and with {@code embedded.enabled} an {@code ArtemisBroker}
 *     named {@code <name>Broker} that starts first.</li>
 * </ul>
 * Every one of these beans carries the qualifier {@code <name>}, so {@code @Qualifier("orders") DataSource} and
 * {@code @Qualifier("orders") JdbcTemplate} both work, and is left out when the application already defines a bean of
 * that name and a matching type (a bean of that name and another type is refused at startup). Each participant's
 * preflight check (and its Flyway migration, when configured) runs when its pool bean is created, before the pool
 * starts; an application that defines the pool bean itself also takes over its migration.
 *
 * <p>Runs after the coordinator's auto-configuration (whose {@code XaResourceChain} bean decorates every participant) and
 * before Boot's DataSource, JdbcTemplate, Flyway, Artemis and JMS auto-configurations, which then back off because the
 * beans they would create exist; Boot's own Flyway is switched off by default while twophase database participants
 * are declared (see {@link ParticipantsEnvironmentPostProcessor}).
 */
@AutoConfiguration(
        after = TwophaseCoordinatorAutoConfiguration.class,
        beforeName = {
                "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
                "org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration",
                "org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration",
                "org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration",
                "org.springframework.boot.autoconfigure.jms.artemis.ArtemisAutoConfiguration",
                "org.springframework.boot.autoconfigure.jms.JmsAutoConfiguration" })
@ConditionalOnProperty(prefix = "twophase.coordinator", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(ParticipantsProperties.class)
@Import(ParticipantBeanRegistrar.class)
public class TwophaseParticipantsAutoConfiguration {
}

package dev.twophase.demo.events;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jms.core.JmsTemplate;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The {@link EventPublisher} on the broker participant's transacted JmsTemplate (twophase's
 * {@code brokerJmsTemplate}, from {@code twophase.participants.jms.broker}): every event is sent
 * in the caller's JTA transaction.
 */
@Configuration(proxyBeanMethods = false)
class EventsConfiguration {

    @Bean
    EventPublisher eventPublisher(@Qualifier("broker") JmsTemplate broker, ObjectMapper json) {
        return new EventPublisher(broker, json);
    }
}

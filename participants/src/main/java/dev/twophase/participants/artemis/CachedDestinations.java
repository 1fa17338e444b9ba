package dev.twophase.participants.artemis;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.jms.support.destination.DestinationResolver;
import org.springframework.jms.support.destination.DynamicDestinationResolver;

import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Session;

/** Resolves each destination name once, in the first session that asks, and returns that object afterwards. See {@link ArtemisParticipant#jmsTemplate}. */
final class CachedDestinations implements DestinationResolver {

    private final DestinationResolver resolver = new DynamicDestinationResolver();
    private final Map<String, Destination> queues = new ConcurrentHashMap<>();
    private final Map<String, Destination> topics = new ConcurrentHashMap<>();

    @Override
    public Destination resolveDestinationName(Session session, String name, boolean pubSub) throws JMSException {
        Map<String, Destination> cache = pubSub ? topics : queues;
        Destination known = cache.get(name);
        if (known != null) {
            return known;
        }
        Destination resolved = resolver.resolveDestinationName(session, name, pubSub);
        Destination raced = cache.putIfAbsent(name, resolved);
        return raced != null ? raced : resolved;
    }
}

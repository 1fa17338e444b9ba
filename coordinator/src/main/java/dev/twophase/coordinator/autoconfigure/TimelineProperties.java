package dev.twophase.coordinator.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * {@code twophase.coordinator.timeline.*}: the protocol timeline ({@code XaTimeline}).
 *
 * @param enabled whether every XA call and log record of recent transactions is kept (off by default: it
 *        costs a little per XA call, and only a page or a test reads it)
 * @param size    how many of the most recent global transactions are kept
 */
@ConfigurationProperties("twophase.coordinator.timeline")
public record TimelineProperties(@DefaultValue("false") boolean enabled, @DefaultValue("50") int size) {

    /** @throws InvalidConfigurationPropertyValueException naming the property, its value and the range */
    public TimelineProperties {
        if (size < 1 || size > 1000) {
            throw new InvalidConfigurationPropertyValueException("twophase.coordinator.timeline.size", size,
                    "keep between 1 and 1000 transactions, e.g. 50 (every XA call takes the timeline's one lock, and a full"
                    + " timeline looks through the kept transactions to make room)");
        }
    }
}

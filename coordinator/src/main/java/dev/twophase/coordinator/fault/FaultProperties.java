package dev.twophase.coordinator.fault;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Fault injection, under {@code twophase.faults}. Off by default; refused in a {@code prod} or
 * {@code production} profile.
 *
 * @param enabled whether faults may be armed at all (at startup through arm, at run time through the FaultInjector bean)
 * @param arm rules armed at startup, before any participant starts, in the rule syntax of Fault.parse, e.g. bank-a:BEFORE_COMMIT:HALT
 */
@ConfigurationProperties("twophase.faults")
public record FaultProperties(@DefaultValue("false") boolean enabled, @DefaultValue List<String> arm) {

    public FaultProperties {
        // Not List.copyOf: an empty list item must reach validation, which names it, not fail here.
        arm = arm == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(arm));
    }
}

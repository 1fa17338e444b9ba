package dev.twophase.demo.patterns;

import org.springframework.beans.factory.ObjectProvider;

import dev.twophase.coordinator.timeline.XaTimeline;

/**
 * Where the Saga, TCC and outbox flows report their steps for the protocol timeline: each local
 * transaction under the branch barrier ({@link LocalDatabase#step}) and each change of a log row's
 * state ({@link FlowLog#transition}), under the flow's gid. Their local transactions are not XA, so
 * the XA chain never sees them.
 */
@FunctionalInterface
public interface StepRecorder {

    /** Records nothing: the timeline is off. */
    StepRecorder NONE = (gid, actor, step, startNanos, endNanos, result) -> {
    };

    /**
     * @param actor the database ({@code bank-a}, {@code bank-b}) or {@link XaTimeline#COORDINATOR} for the flow's log
     */
    void record(String gid, String actor, String step, long startNanos, long endNanos, String result);

    /** Names the business action of flow {@code gid}, e.g. {@code transfer (saga)}. */
    default void label(String gid, String action) {
    }

    /** The application's timeline, or {@link #NONE} when it has none. */
    static StepRecorder of(ObjectProvider<XaTimeline> timeline) {
        XaTimeline t = timeline.getIfAvailable();
        if (t == null) {
            return NONE;
        }
        return new StepRecorder() {
            @Override
            public void record(String gid, String actor, String step, long startNanos, long endNanos, String result) {
                t.recordStep(gid, actor, step, startNanos, endNanos, result);
            }

            @Override
            public void label(String gid, String action) {
                t.label(gid, action);
            }
        };
    }
}

package dev.twophase.cli;

import dev.twophase.coordinator.console.ParticipantMXBean;

/** A participant console with fixed values. */
public record FakeParticipant(String name, boolean reachable, int prepared, int preparedOfOthers, String lastError,
        String lastScanAt) implements ParticipantMXBean {

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean isReachable() {
        return reachable;
    }

    @Override
    public int getPreparedBranches() {
        return prepared;
    }

    @Override
    public int getPreparedBranchesOfOthers() {
        return preparedOfOthers;
    }

    @Override
    public String getLastError() {
        return lastError;
    }

    @Override
    public String getLastScanAt() {
        return lastScanAt;
    }
}

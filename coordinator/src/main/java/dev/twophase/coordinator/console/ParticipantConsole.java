package dev.twophase.coordinator.console;

import dev.twophase.coordinator.recovery.ParticipantMonitor;

/** One participant's MXBean, over the {@link ParticipantMonitor}. */
public final class ParticipantConsole implements ParticipantMXBean {

    private final String name;
    private final ParticipantMonitor monitor;

    public ParticipantConsole(String name, ParticipantMonitor monitor) {
        this.name = name;
        this.monitor = monitor;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean isReachable() {
        ParticipantMonitor.Scan scan = monitor.scan(name);
        return scan != null && scan.reachable();
    }

    @Override
    public int getPreparedBranches() {
        ParticipantMonitor.Scan scan = monitor.scan(name);
        return scan == null ? 0 : scan.ours();
    }

    @Override
    public int getPreparedBranchesOfOthers() {
        ParticipantMonitor.Scan scan = monitor.scan(name);
        return scan == null ? 0 : scan.others();
    }

    @Override
    public String getLastError() {
        ParticipantMonitor.Scan scan = monitor.scan(name);
        return scan == null ? "not scanned yet" : scan.lastError();
    }

    @Override
    public String getLastScanAt() {
        ParticipantMonitor.Scan scan = monitor.scan(name);
        return scan == null ? null : scan.lastScanAt().toString();
    }
}

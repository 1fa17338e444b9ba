package dev.twophase.coordinator.console;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The durable record of operator actions: one JSON object per line, appended and forced to disk
 * before the call returns, and one INFO line starting with {@value #LOG_PREFIX} on logger
 * {@code dev.twophase.audit}. Each action writes a {@code requested} record before anything is
 * done (an action that cannot be recorded is not carried out) and an {@code outcome} record after,
 * with the same {@code id}. Thread-safe within one process; the file is this coordinator's alone
 * (it lives beside the recovery log by default, which one process owns).
 */
public final class AuditLog {

    public static final String LOG_PREFIX = "AUDIT";

    private static final Logger log = LoggerFactory.getLogger("dev.twophase.audit");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Clock clock;
    private final String tmName;

    public AuditLog(Path file, String tmName) {
        this(file, tmName, Clock.systemUTC());
    }

    AuditLog(Path file, String tmName, Clock clock) {
        this.file = file.toAbsolutePath().normalize();
        this.tmName = tmName;
        this.clock = clock;
    }

    public Path file() {
        return file;
    }

    /**
     * Records that {@code who} asked for {@code action}, before it is carried out.
     *
     * @return the id that the outcome record will carry
     * @throws IOException when the record could not be forced to disk; then do nothing
     */
    public String requested(String who, String action, String target, boolean force, String reason) throws IOException {
        String id = UUID.randomUUID().toString();
        Map<String, Object> record = base(id, "requested", who, action, target);
        record.put("force", force);
        record.put("reason", reason);
        append(record);
        log.info("{} id={} requested by {}: {} {}{}{}", LOG_PREFIX, id, who, action, target, force ? " (forced)" : "",
                reason == null || reason.isBlank() ? "" : " reason=\"" + reason + "\"");
        return id;
    }

    /**
     * Records what an action did.
     *
     * @throws IOException when the record could not be forced to disk; the action has happened anyway
     */
    public void outcome(String id, String who, String action, String target, String participant, String outcome,
            boolean heuristic, String message) throws IOException {
        Map<String, Object> record = base(id, "outcome", who, action, target);
        record.put("participant", participant);
        record.put("outcome", outcome);
        record.put("heuristic", heuristic);
        record.put("message", message);
        try {
            append(record);
        } finally {
            log.info("{} id={} outcome by {}: {} {}{} -> {}{}: {}", LOG_PREFIX, id, who, action, target,
                    participant == null ? "" : " on " + participant, outcome, heuristic ? " (heuristic decision)" : "", message);
        }
    }

    /** Every record in the file, oldest first. */
    public List<Map<String, Object>> read() throws IOException {
        List<Map<String, Object>> records = new ArrayList<>();
        if (!Files.exists(file)) {
            return records;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                records.add(JSON.readValue(line, new TypeReference<Map<String, Object>>() {
                }));
            }
        }
        return records;
    }

    private Map<String, Object> base(String id, String phase, String who, String action, String target) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("id", id);
        record.put("at", clock.instant().toString());
        record.put("phase", phase);
        record.put("coordinator", tmName);
        record.put("who", who);
        record.put("action", action);
        record.put("target", target);
        return record;
    }

    private synchronized void append(Map<String, Object> record) throws IOException {
        byte[] line = (JSON.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8);
        Path parent = file.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }
}

package dev.twophase.demo.drill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The last drill, in one JSON file under the data directory ({@code <twophase.data-dir>/drill/last-drill.json}):
 * it must survive the crash the drill causes, so every write goes to a new file that is forced to disk and
 * then moved over the old one. The application that restarts reads it to tell the page what happened.
 */
public final class DrillStore {

    private final Path file;
    private final ObjectMapper json;

    public DrillStore(Path dataDir, ObjectMapper json) {
        this.file = dataDir.resolve("drill").resolve("last-drill.json");
        this.json = json;
    }

    /** The file it writes. */
    public Path file() {
        return file;
    }

    /**
     * The last drill, if one was saved.
     *
     * @throws UncheckedIOException when the file exists but cannot be read or is not a drill
     */
    public synchronized Optional<Drill> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(file.toFile(), Drill.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the last drill from " + file + ": " + e.getMessage(), e);
        }
    }

    /** Saves the drill durably, replacing the last one. */
    public synchronized void save(Drill drill) {
        try {
            Files.createDirectories(file.getParent());
            Path next = file.resolveSibling(file.getFileName() + ".next");
            Files.write(next, json.writeValueAsBytes(drill));
            try (FileChannel channel = FileChannel.open(next, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the drill to " + file + ": " + e.getMessage(), e);
        }
    }
}

package dev.twophase.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Times the disk's forced write: a 4 KiB write followed by {@link FileChannel#force(boolean)
 * force(false)} (fdatasync), as a transaction log does for each forced record.
 */
final class FsyncProbe {

    private static final int BLOCK = 4096;
    private static final int BLOCKS = 64;

    private FsyncProbe() {
    }

    /** The distribution of forced-write times, in milliseconds. */
    record Result(Path directory, int samples, double medianMillis, double p99Millis, double meanMillis) {
    }

    /** Writes {@code samples} blocks in a scratch file in {@code directory}, each forced, and deletes the file. */
    static Result measure(Path directory, int samples) throws IOException {
        if (samples < 2) {
            throw new IllegalArgumentException("at least 2 samples");
        }
        Files.createDirectories(directory);
        Path file = Files.createTempFile(directory, "fsync-probe", ".tmp");
        long[] nanos = new long[samples];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer block = ByteBuffer.allocate(BLOCK);
            // Allocate the file first, so every timed write overwrites blocks, as a preallocated log does.
            for (int i = 0; i < BLOCKS; i++) {
                block.clear();
                channel.write(block, (long) i * BLOCK);
            }
            channel.force(true);
            for (int i = 0; i < samples; i++) {
                block.clear();
                block.put(0, (byte) i);
                long start = System.nanoTime();
                channel.write(block, (long) (i % BLOCKS) * BLOCK);
                channel.force(false);
                nanos[i] = System.nanoTime() - start;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(nanos).average().orElse(0) / 1e6;
        return new Result(directory, samples, sorted[samples / 2] / 1e6, sorted[(int) Math.ceil(samples * 0.99) - 1] / 1e6, mean);
    }
}

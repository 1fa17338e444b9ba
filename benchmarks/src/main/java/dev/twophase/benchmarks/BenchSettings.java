package dev.twophase.benchmarks;

import java.nio.file.Path;

/**
 * Where the benchmark's servers are and how big its pools and data are.
 *
 * @param brokerUrl   an Artemis core URL; {@code null} starts a broker in its own JVM under {@code workDir}
 * @param poolSize    connections per pool (XA and plain alike), at least the largest client count
 * @param accounts    accounts per bank that the transfers pick from at random
 * @param workDir     the coordinator's recovery log, the started broker's journal, the fsync probe's scratch file
 */
record BenchSettings(String pgUrl, String pgUser, String pgPassword, String mysqlUrl, String mysqlUser, String mysqlPassword,
        String brokerUrl, int poolSize, int accounts, Path workDir) {
}

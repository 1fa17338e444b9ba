package dev.twophase.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The suite's result table: one row per scenario, printed at the end and written to a file. Each
 * row is also appended to a progress file as soon as it is added, so that a long soak that is
 * stopped early still leaves its rows behind.
 */
final class Matrix {

    record Row(String scenario, String expected, String observed, double secondsToRecover, boolean passed, String note) {
    }

    private final List<Row> rows = new ArrayList<>();
    private Path progress;

    /** Appends every row added from now on to {@code file}, one tab-separated line each. */
    synchronized void journalTo(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "scenario\texpected\tobserved\trecover_s\tresult\tnote\n", StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING);
        progress = file;
    }

    synchronized void add(Row row) {
        rows.add(row);
        if (progress != null) {
            String line = String.join("\t", row.scenario(), row.expected(), row.observed(),
                    Double.isNaN(row.secondsToRecover()) ? "-" : String.format("%.1f", row.secondsToRecover()),
                    row.passed() ? "ok" : "FAIL", row.note()) + "\n";
            try {
                Files.writeString(progress, line, StandardOpenOption.APPEND);
            } catch (IOException e) {
                System.err.println("[fault-injection] cannot append to " + progress + ": " + e);
            }
        }
    }


    synchronized String render() {
        int w = Math.max(40, rows.stream().mapToInt(r -> r.scenario().length()).max().orElse(40));
        StringBuilder out = new StringBuilder();
        String format = "%-" + w + "s  %-20s  %-20s  %8s  %s%n";
        out.append(String.format(format, "scenario", "expected", "observed", "recover", "result"));
        out.append("-".repeat(w + 64)).append('\n');
        for (Row r : rows) {
            out.append(String.format(format, r.scenario(), r.expected(), r.observed(),
                    Double.isNaN(r.secondsToRecover()) ? "-" : String.format("%.1f s", r.secondsToRecover()),
                    (r.passed() ? "ok" : "FAIL") + (r.note().isEmpty() ? "" : "  " + r.note())));
        }
        long passed = rows.stream().filter(Row::passed).count();
        Row slowest = rows.stream().filter(r -> !Double.isNaN(r.secondsToRecover()))
                .max((a, b) -> Double.compare(a.secondsToRecover(), b.secondsToRecover())).orElse(null);
        out.append(String.format("%d scenarios, %d passed, %d failed%s%n", rows.size(), passed, rows.size() - passed,
                slowest == null ? "" : String.format("; slowest recovery %.1f s (%s)", slowest.secondsToRecover(), slowest.scenario())));
        return out.toString();
    }

    void writeTo(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, render(), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    }
}

package dev.twophase.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Plain text columns under a header row, each as wide as its widest cell, two spaces apart. A missing
 * value prints as {@code -}; line breaks inside a cell become spaces so that a row stays one line.
 */
final class Table {

    /** Cells longer than this are cut where the column allows it ({@link #truncate}). */
    static final int MAX_TEXT = 80;

    private final List<String> headers;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... headers) {
        this.headers = List.of(headers);
    }

    Table row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells for " + headers.size() + " columns " + headers);
        }
        rows.add(Arrays.stream(cells).map(Table::cell).toArray(String[]::new));
        return this;
    }

    /** {@code text} cut to {@link #MAX_TEXT} characters, ending in {@code ...} when cut. */
    static String truncate(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 3) + "...";
    }

    void print(PrintWriter out) {
        int[] widths = new int[headers.size()];
        for (int column = 0; column < widths.length; column++) {
            widths[column] = headers.get(column).length();
            for (String[] row : rows) {
                widths[column] = Math.max(widths[column], row[column].length());
            }
        }
        printRow(out, headers.toArray(String[]::new), widths);
        for (String[] row : rows) {
            printRow(out, row, widths);
        }
    }

    private static void printRow(PrintWriter out, String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int column = 0; column < cells.length; column++) {
            line.append(cells[column]);
            if (column < cells.length - 1) {
                line.append(" ".repeat(widths[column] - cells[column].length() + 2));
            }
        }
        out.println(line);
    }

    private static String cell(Object value) {
        if (value == null) {
            return "-";
        }
        if (value instanceof Boolean bool) {
            return bool ? "yes" : "no";
        }
        String text = value.toString().replaceAll("\\R", " ");
        return text.isEmpty() ? "-" : text;
    }
}

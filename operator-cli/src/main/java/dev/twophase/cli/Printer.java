package dev.twophase.cli;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

/** Writes results to standard output: pretty-printed JSON, or {@code key: value} lines with the keys aligned. */
final class Printer {

    /** {@code "key": value}, one array element per line: the layout of {@code jq .}. */
    private static final ObjectWriter JSON = new ObjectMapper().writer(new DefaultPrettyPrinter(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE));

    private final PrintWriter out;

    Printer(PrintWriter out) {
        this.out = out;
    }

    void json(Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** One {@code key: value} line per entry, values starting in one column; {@code null} prints as {@code -}. */
    void fields(Map<String, ?> fields) {
        int width = fields.keySet().stream().mapToInt(String::length).max().orElse(0) + 1;
        fields.forEach((key, value) -> out.println(
                String.format("%-" + (width + 1) + "s%s", key + ":", value == null ? "-" : value).stripTrailing()));
    }

    /** The components of a record in declaration order, as JSON names them. */
    static Map<String, Object> fieldsOf(Record record) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            try {
                fields.put(component.getName(), component.getAccessor().invoke(record));
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + component.getName() + " of " + record, e);
            }
        }
        return fields;
    }

    PrintWriter out() {
        return out;
    }
}

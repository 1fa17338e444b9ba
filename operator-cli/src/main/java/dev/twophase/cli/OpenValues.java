package dev.twophase.cli;

import java.util.HashMap;
import java.util.Map;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.openmbean.CompositeData;

/**
 * Reads the values of a {@link CompositeData} or an {@link AttributeList} by name. A name the server does
 * not send (an older or newer application) reads as {@code null} rather than failing the whole command.
 */
final class OpenValues {

    private final Map<String, Object> values;

    private OpenValues(Map<String, Object> values) {
        this.values = values;
    }

    static OpenValues of(CompositeData data) {
        Map<String, Object> values = new HashMap<>();
        for (String key : data.getCompositeType().keySet()) {
            values.put(key, data.get(key));
        }
        return new OpenValues(values);
    }

    static OpenValues of(AttributeList attributes) {
        Map<String, Object> values = new HashMap<>();
        for (Attribute attribute : attributes.asList()) {
            values.put(attribute.getName(), attribute.getValue());
        }
        return new OpenValues(values);
    }

    String string(String name) {
        Object value = values.get(name);
        return value == null ? null : value.toString();
    }

    /** A String[] attribute (an MXBean's List of String) as one comma-separated value; null when absent. */
    String strings(String name) {
        return values.get(name) instanceof String[] array ? String.join(", ", array) : null;
    }

    Integer integer(String name) {
        return values.get(name) instanceof Number number ? number.intValue() : null;
    }

    Long number(String name) {
        return values.get(name) instanceof Number number ? number.longValue() : null;
    }

    Boolean bool(String name) {
        return values.get(name) instanceof Boolean bool ? bool : null;
    }
}

package dev.twophase.demo.web;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Says in the API's own words why a request body could not be read: the field (as a JSON path
 * such as {@code from.account}), what it allows and an example. Jackson's messages name Java
 * classes, coercion settings and source positions; none of that reaches the client.
 */
final class JsonBodyErrors {

    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([A-Za-z0-9_.-]{1,64})'");

    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private JsonBodyErrors() {
    }

    /**
     * @param cause the reason Spring gave for the unreadable body (null when there was no body)
     * @param requestPath the request's path, to give the endpoint's example body
     */
    static String describe(Throwable cause, String requestPath) {
        String send = ApiFields.sendExample(requestPath);
        if (cause == null) {
            return "The request has no body." + send;
        }
        UnrecognizedPropertyException unknown = find(cause, UnrecognizedPropertyException.class);
        if (unknown != null) {
            String field = path(unknown.getPath());
            return field + " is not a field of this request; the fields are " + names(unknown.getKnownPropertyIds()) + "." + send;
        }
        JsonMappingException mapping = find(cause, JsonMappingException.class);
        String field = mapping == null ? "" : path(mapping.getPath());
        if (find(cause, InputCoercionException.class) != null) {
            return (field.isEmpty() ? "A number in the body is out of range." : ApiFields.mustBe(field));
        }
        JsonParseException parse = find(cause, JsonParseException.class);
        if (parse != null) {
            Matcher duplicate = DUPLICATE.matcher(String.valueOf(parse.getOriginalMessage()));
            if (duplicate.find()) {
                return "The field " + duplicate.group(1) + " appears more than once; send each field once." + send;
            }
            return "The body is not valid JSON" + where(parse.getLocation()) + "." + send;
        }
        if (mapping != null && !field.isEmpty()) {
            return ApiFields.mustBe(field);
        }
        if (mapping != null && String.valueOf(mapping.getOriginalMessage()).startsWith("Trailing token")) {
            return "The body must be exactly one JSON object, with nothing after it." + send;
        }
        if (mapping != null && String.valueOf(mapping.getOriginalMessage()).startsWith("No content")) {
            return "The request has no body." + send;
        }
        return "The body is not a JSON object." + send;
    }

    private static String where(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    /** The JSON path of a field: {@code from.account}, {@code items[2]}. */
    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : references) {
            if (reference.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                // The name is the client's; echo it only when it looks like a field name.
                String name = reference.getFieldName();
                path.append(FIELD_NAME.matcher(name).matches() ? name : "(a field)");
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String names(Collection<Object> known) {
        if (known == null || known.isEmpty()) {
            return "listed in docs/api.md";
        }
        return known.stream().map(Objects::toString).sorted().collect(Collectors.joining(", "));
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}

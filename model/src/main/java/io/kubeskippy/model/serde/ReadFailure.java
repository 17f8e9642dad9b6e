package io.kubeskippy.model.serde;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns a Jackson failure into one readable reason that names the field, what was expected and what
 * was found, in the words of the JSON document (never Jackson's class or feature names).
 */
final class ReadFailure {

    private static final int MAX_QUOTED_CHARS = 40;

    /** "(start marker at [Source: REDACTED (...); line: 1, column: 22])" */
    private static final Pattern SOURCE_MARKER =
            Pattern.compile(
                    "\\(start marker at \\[Source: .*?; line: (\\d+), column: (\\d+)\\]\\)");

    private ReadFailure() {}

    static String reason(Throwable error) {
        StreamConstraintsException tooComplex = find(error, StreamConstraintsException.class);
        if (tooComplex != null) {
            String problem = tooComplex(tooComplex);
            String path = error instanceof JsonMappingException e ? path(e) : "";
            return path.isEmpty() ? problem : path + ": " + problem;
        }
        InputCoercionException outOfRange = find(error, InputCoercionException.class);
        if (outOfRange != null) {
            String path = error instanceof JsonMappingException e ? path(e) : "";
            String problem =
                    "expected "
                            + describe(outOfRange.getTargetType())
                            + ", got a number out of its range"
                            + at(outOfRange.getLocation())
                            + " ("
                            + clean(firstLine(outOfRange.getOriginalMessage()))
                            + ")";
            return path.isEmpty() ? problem : path + ": " + problem;
        }
        // A parse error inside a field reaches us wrapped, with the field's path.
        StreamReadException malformed = find(error, StreamReadException.class);
        if (malformed != null) {
            String path = error instanceof JsonMappingException e ? path(e) : "";
            return "malformed JSON"
                    + at(malformed.getLocation())
                    + (path.isEmpty() ? "" : " (in " + path + ")")
                    + ": "
                    + clean(firstLine(malformed.getOriginalMessage()));
        }
        if (error instanceof JsonMappingException e) {
            String path = path(e);
            String problem = problem(e);
            return path.isEmpty() ? problem : path + ": " + problem;
        }
        if (error instanceof JsonProcessingException e) {
            return "malformed JSON"
                    + at(e.getLocation())
                    + ": "
                    + clean(firstLine(e.getOriginalMessage()));
        }
        return error.getClass().getSimpleName() + ": " + firstLine(error.getMessage());
    }

    /**
     * Jackson's parser messages are mostly plain words; this rewrites the parts that are not: its
     * source-location dumps and its token names.
     */
    private static String clean(String message) {
        return SOURCE_MARKER
                .matcher(message)
                .replaceAll("(opened at line $1 column $2)")
                .replace("VALUE_STRING", "a string")
                .replace("VALUE_NUMBER_INT", "a number")
                .replace("VALUE_NUMBER_FLOAT", "a number")
                .replace("FIELD_NAME", "a field name")
                .replace("START_OBJECT", "an object")
                .replace("START_ARRAY", "an array");
    }

    private static String tooComplex(StreamConstraintsException e) {
        String message = firstLine(e.getOriginalMessage());
        if (message.contains("nesting depth")) {
            return "JSON nested more than "
                    + Json.MAX_NESTING_DEPTH
                    + " levels deep, over the limit for a record";
        }
        // Drop Jackson's pointer to its own configuration: ", from `StreamReadConstraints...`)".
        return "record too complex: " + message.replaceAll(", from `[^`]*`", "");
    }

    private static String problem(JsonMappingException e) {
        if (e instanceof ValueInstantiationException && e.getCause() != null) {
            String message = firstLine(e.getCause().getMessage());
            return message.isBlank() ? e.getCause().getClass().getSimpleName() : message;
        }
        if (e instanceof InvalidFormatException f) {
            return "expected "
                    + describe(f.getTargetType())
                    + ", got "
                    + quoted(f.getValue())
                    + at(f.getLocation());
        }
        if (e instanceof MismatchedInputException m) {
            String message = firstLine(m.getOriginalMessage());
            if (message.startsWith("Missing required creator property")) {
                return "missing required field";
            }
            if (message.startsWith("No content to map")) {
                return "no JSON value, the record is blank";
            }
            if (message.startsWith("Trailing token")) {
                return "unexpected data after the end of the JSON value" + at(m.getLocation());
            }
            String found = found(m);
            if (m.getTargetType() != null) {
                return "expected "
                        + describe(m.getTargetType())
                        + (found.isEmpty() ? "" : ", got " + found)
                        + at(m.getLocation());
            }
            return message + at(m.getLocation());
        }
        return firstLine(e.getOriginalMessage()) + at(e.getLocation());
    }

    /** What the document held where a value did not fit, from the parser's current token. */
    private static String found(MismatchedInputException e) {
        if (!(e.getProcessor() instanceof JsonParser parser)) {
            return "";
        }
        JsonToken token = parser.currentToken();
        if (token == null) {
            return "";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "the string " + quoted(text(parser));
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                String text = text(parser);
                yield text.isEmpty() ? "a number" : "the number " + text;
            }
            case VALUE_TRUE -> "true";
            case VALUE_FALSE -> "false";
            case VALUE_NULL -> "null";
            case END_OBJECT -> "nothing (the field is missing)";
            default -> "";
        };
    }

    private static String text(JsonParser parser) {
        try {
            String text = parser.getText();
            return text == null ? "" : text;
        } catch (Exception e) {
            // The parser is closed and may have released its buffers; the shape is enough.
            return "";
        }
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(
                        ref ->
                                ref.getFieldName() != null
                                        ? "." + ref.getFieldName()
                                        : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining())
                .replaceFirst("^\\.", "");
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "a value";
        }
        if (type == long.class
                || type == Long.class
                || type == int.class
                || type == Integer.class
                || type == short.class
                || type == Short.class) {
            return "an integer";
        }
        if (type == double.class
                || type == Double.class
                || type == float.class
                || type == Float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.isEnum()) {
            return "one of " + wireNames(type);
        }
        if (Temporal.class.isAssignableFrom(type)) {
            return "an ISO-8601 time string such as \"2026-11-22T10:00:00Z\"";
        }
        if (ArrayNode.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (JsonNode.class.isAssignableFrom(type)) {
            return type == JsonNode.class ? "a JSON value" : "an object";
        }
        if (type.isRecord()) {
            return "a " + type.getSimpleName() + " object";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "an object";
        }
        return type.getSimpleName();
    }

    /** The enum's spellings in JSON, which its {@code @JsonProperty} annotations may rename. */
    private static String wireNames(Class<?> type) {
        List<String> names = new ArrayList<>();
        for (Object constant : type.getEnumConstants()) {
            String name = ((Enum<?>) constant).name();
            try {
                JsonProperty property = type.getField(name).getAnnotation(JsonProperty.class);
                if (property != null && !property.value().isEmpty()) {
                    name = property.value();
                }
            } catch (NoSuchFieldException e) {
                // Every enum constant is a public field; keep the Java name if not.
            }
            names.add(name);
        }
        return String.join(", ", names);
    }

    private static String quoted(Object value) {
        if (value == null) {
            return "null";
        }
        if (!(value instanceof CharSequence)) {
            return String.valueOf(value);
        }
        String text = value.toString();
        if (text.length() > MAX_QUOTED_CHARS) {
            text = text.substring(0, MAX_QUOTED_CHARS) + "...";
        }
        return "\"" + text + "\"";
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 0) {
            return "";
        }
        return " at line " + location.getLineNr() + " column " + location.getColumnNr();
    }

    private static <E extends Throwable> E find(Throwable error, Class<E> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}

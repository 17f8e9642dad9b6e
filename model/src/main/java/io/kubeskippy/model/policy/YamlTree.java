package io.kubeskippy.model.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * YAML documents as JSON trees plus the line of every path, read with hard limits: aliases, nesting
 * and expanded size are bounded, so a YAML bomb is an error in bounded time.
 */
final class YamlTree {

    /** Largest policy file read. */
    static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

    static final int MAX_ALIASES = 50;
    static final int MAX_DEPTH = 64;

    /** Nodes per document after alias expansion. */
    static final int MAX_NODES = 200_000;

    /** A parsed document: the tree, and the line of each path (1-based). */
    record Document(JsonNode root, Map<String, Integer> lines, int startLine) {}

    /** Thrown for YAML that cannot be read; {@code line} is 1-based or 0. */
    static final class YamlError extends Exception {
        private static final long serialVersionUID = 1L;
        final int line;

        YamlError(int line, String message) {
            super(message);
            this.line = line;
        }
    }

    private YamlTree() {}

    static List<Document> parse(String text) throws YamlError {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setAllowDuplicateKeys(false);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_FILE_BYTES);
        options.setAllowRecursiveKeys(false);
        Yaml yaml = new Yaml(options);
        List<Document> documents = new ArrayList<>();
        try {
            for (Node node : yaml.composeAll(new StringReader(text))) {
                Map<String, Integer> lines = new HashMap<>();
                int[] budget = {MAX_NODES};
                JsonNode root = convert(node, "", lines, budget, 0);
                documents.add(new Document(root, lines, line(node)));
            }
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            // "while parsing a flow sequence" started where the mistake is (an unclosed '[')
            Mark start = e.getContextMark();
            String context =
                    e.getContext() != null
                                    && start != null
                                    && mark != null
                                    && start.getLine() != mark.getLine()
                            ? " ("
                                    + oneLine(e.getContext())
                                    + " that starts on line "
                                    + (start.getLine() + 1)
                                    + ")"
                            : "";
            throw new YamlError(
                    mark == null ? 0 : mark.getLine() + 1,
                    "not valid YAML: " + oneLine(problem) + context);
        } catch (YAMLException e) {
            throw new YamlError(0, "not valid YAML: " + oneLine(e.getMessage()));
        } catch (StackOverflowError e) {
            throw new YamlError(0, "not valid YAML: nested too deeply");
        }
        return documents;
    }

    private static JsonNode convert(
            Node node, String path, Map<String, Integer> lines, int[] budget, int depth)
            throws YamlError {
        if (--budget[0] < 0) {
            throw new YamlError(
                    line(node),
                    "document expands to more than "
                            + MAX_NODES
                            + " nodes (aliases?); refusing to read it");
        }
        if (depth > MAX_DEPTH) {
            throw new YamlError(line(node), "nested deeper than " + MAX_DEPTH + " levels");
        }
        lines.putIfAbsent(path, line(node));
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (node instanceof MappingNode mapping) {
            ObjectNode object = f.objectNode();
            // SnakeYAML checks duplicate keys only when it constructs Java objects, not when it
            // composes nodes, so they are checked here: YAML says a key appears once, and a
            // silent "last one wins" hides the half of the policy the author meant.
            Map<String, Integer> keyLines = new HashMap<>();
            for (NodeTuple tuple : mapping.getValue()) {
                Node keyNode = tuple.getKeyNode();
                if (!(keyNode instanceof ScalarNode key)) {
                    throw new YamlError(
                            line(keyNode),
                            (path.isEmpty() ? "" : path + ": ") + "keys must be plain strings");
                }
                if (Tag.MERGE.equals(key.getTag())) {
                    throw new YamlError(
                            line(keyNode),
                            (path.isEmpty() ? "" : path + ": ")
                                    + "merge keys (<<) are not supported; write the keys out");
                }
                String name = key.getValue();
                String childPath = path.isEmpty() ? name : path + "." + name;
                Integer first = keyLines.putIfAbsent(name, line(keyNode));
                if (first != null) {
                    throw new YamlError(
                            line(keyNode),
                            childPath
                                    + ": duplicate key (also on line "
                                    + first
                                    + "); keep one of them");
                }
                lines.put(childPath + "#key", line(keyNode));
                object.set(
                        name, convert(tuple.getValueNode(), childPath, lines, budget, depth + 1));
            }
            return object;
        }
        if (node instanceof SequenceNode sequence) {
            ArrayNode array = f.arrayNode();
            int i = 0;
            for (Node item : sequence.getValue()) {
                array.add(convert(item, path + "[" + i + "]", lines, budget, depth + 1));
                i++;
            }
            return array;
        }
        ScalarNode scalar = (ScalarNode) node;
        String value = scalar.getValue();
        Tag tag = scalar.getTag();
        if (Tag.NULL.equals(tag)) {
            return f.nullNode();
        }
        if (Tag.BOOL.equals(tag)) {
            String v = value.toLowerCase(java.util.Locale.ROOT);
            return f.booleanNode(
                    v.equals("true") || v.equals("yes") || v.equals("on") || v.equals("y"));
        }
        if (Tag.INT.equals(tag)) {
            try {
                BigInteger big = new BigInteger(value.replace("_", "").replaceFirst("^\\+", ""));
                return big.bitLength() < 63 ? f.numberNode(big.longValue()) : f.numberNode(big);
            } catch (NumberFormatException e) {
                return f.textNode(value);
            }
        }
        if (Tag.FLOAT.equals(tag)) {
            String v = value.replace("_", "").toLowerCase(java.util.Locale.ROOT);
            if (v.endsWith(".nan")) {
                return f.numberNode(Double.NaN);
            }
            if (v.endsWith(".inf")) {
                return f.numberNode(
                        v.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
            }
            try {
                return f.numberNode(Double.parseDouble(v));
            } catch (NumberFormatException e) {
                return f.textNode(value);
            }
        }
        return f.textNode(value);
    }

    private static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    private static String oneLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        String first = message.strip().split("\n", 2)[0];
        return first.length() > 300 ? first.substring(0, 300) + "..." : first;
    }
}

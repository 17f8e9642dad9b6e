package io.kubeskippy.model.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubeskippy.model.policy.Diagnostic.Severity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Reads HealingPolicy files strictly, like Alertmanager's config loader: every unknown key is an
 * error naming its path, defaults are applied first and invariants checked after, and every problem
 * of a file is reported at once as {@code file:line: path: message}. Never throws.
 */
public final class PolicyReader {

    private static final ObjectMapper CANONICAL =
            JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    /** The metadata that is part of a policy's meaning; the rest is set by the API server. */
    private static final List<String> HASHED_METADATA =
            List.of("name", "namespace", "labels", "annotations");

    private PolicyReader() {}

    /** Reads a file; an unreadable file gives a file-level error, never an exception. */
    public static PolicyFile readFile(Path path) {
        String source = path.toString();
        try {
            long size = Files.size(path);
            if (size > YamlTree.MAX_FILE_BYTES) {
                return fileError(
                        source,
                        0,
                        "file is "
                                + size
                                + " bytes; policy files are limited to "
                                + YamlTree.MAX_FILE_BYTES / (1024 * 1024)
                                + " MiB");
            }
            return readText(source, Files.readAllBytes(path));
        } catch (IOException e) {
            return fileError(source, 0, "cannot read: " + e.getMessage());
        }
    }

    /** Reads the bytes of a policy file named {@code source}. */
    public static PolicyFile readText(String source, byte[] bytes) {
        if (bytes.length > YamlTree.MAX_FILE_BYTES) {
            return fileError(
                    source,
                    0,
                    "file is "
                            + bytes.length
                            + " bytes; policy files are limited to "
                            + YamlTree.MAX_FILE_BYTES / (1024 * 1024)
                            + " MiB");
        }
        String text;
        try {
            text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes))
                            .toString();
        } catch (CharacterCodingException e) {
            return fileError(source, 0, "not a text file: it is not valid UTF-8");
        }
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            return fileError(
                    source,
                    0,
                    "not a text file: it contains binary data (a NUL byte at " + nul + ")");
        }
        if (text.isBlank()) {
            return fileError(source, 0, "file is empty; expected a HealingPolicy document");
        }
        List<YamlTree.Document> parsed;
        try {
            parsed = YamlTree.parse(text);
        } catch (YamlTree.YamlError e) {
            return fileError(source, e.line, e.getMessage());
        }
        List<PolicyDocument> documents = new ArrayList<>();
        for (int i = 0; i < parsed.size(); i++) {
            YamlTree.Document doc = parsed.get(i);
            if (doc.root().isNull() || doc.root().isMissingNode()) {
                continue; // an empty document between two '---' separators
            }
            documents.add(readDocument(source, i, doc.root(), doc.lines()));
        }
        if (documents.isEmpty()) {
            return fileError(source, 0, "file is empty; expected a HealingPolicy document");
        }
        return new PolicyFile(source, documents, List.of());
    }

    /**
     * Reads one document that has no line information, such as a record of {@code skippy.policies}.
     */
    public static PolicyDocument readJson(String source, JsonNode document) {
        return readDocument(source, 0, document, Map.of());
    }

    private static PolicyFile fileError(String source, int line, String message) {
        return new PolicyFile(
                source,
                List.of(),
                List.of(new Diagnostic(Severity.ERROR, source, line, "", message)));
    }

    private static PolicyDocument readDocument(
            String source, int index, JsonNode root, Map<String, Integer> lines) {
        Context ctx = new Context(source, lines);
        if (!root.isObject()) {
            ctx.error("", "a document must be a mapping (apiVersion, kind, metadata, spec)");
            return new PolicyDocument(index, null, null, root, ctx.diagnostics);
        }
        JsonNode kind = root.get("kind");
        JsonNode apiVersion = root.get("apiVersion");
        boolean ours =
                apiVersion != null
                        && apiVersion.isTextual()
                        && apiVersion.asText().startsWith("kubeskippy.io/");
        if (kind != null
                && kind.isTextual()
                && !HealingPolicy.KIND.equals(kind.asText())
                && !ours) {
            ctx.add(
                    Severity.NOTICE,
                    "",
                    "skipped a "
                            + kind.asText()
                            + " document: only HealingPolicy documents are read");
            return new PolicyDocument(index, null, null, root, ctx.diagnostics);
        }
        HealingPolicy policy = new SpecReader(ctx).read((ObjectNode) root);
        String name =
                root.path("metadata").path("name").isTextual()
                        ? root.path("metadata").path("name").asText()
                        : null;
        if (ctx.hasErrors()) {
            policy = null;
        }
        return new PolicyDocument(index, name, policy, root, ctx.diagnostics);
    }

    /**
     * SHA-256 of the canonical JSON (sorted keys) of {@code document}, without what the reader
     * ignores: {@code status} and the metadata the API server sets ({@code uid}, {@code
     * resourceVersion}, {@code managedFields}, ...). A status update of a HealingPolicy resource is
     * not a new version of the policy.
     */
    static String contentHash(JsonNode document) {
        JsonNode meaning = document;
        if (document.isObject()) {
            ObjectNode copy = ((ObjectNode) document).deepCopy();
            copy.remove("status");
            if (copy.get("metadata") instanceof ObjectNode metadata) {
                metadata.retain(HASHED_METADATA);
            }
            meaning = copy;
        }
        try {
            Object canonical = CANONICAL.treeToValue(meaning, Object.class);
            byte[] json = CANONICAL.writeValueAsBytes(canonical);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash a policy document", e);
        }
    }

    /** Where diagnostics go while one document is read. */
    static final class Context {
        final String source;
        final Map<String, Integer> lines;
        final List<Diagnostic> diagnostics = new ArrayList<>();

        Context(String source, Map<String, Integer> lines) {
            this.source = source;
            this.lines = lines;
        }

        void error(String path, String message) {
            add(Severity.ERROR, path, message);
        }

        void warn(String path, String message) {
            add(Severity.WARNING, path, message);
        }

        void add(Severity severity, String path, String message) {
            diagnostics.add(new Diagnostic(severity, source, line(path), path, message));
        }

        /**
         * The line of {@code path}'s key (of its value for a list item), or of its nearest ancestor
         * that has one. The key, because a problem with {@code patchAction:} is on that line, not
         * on the line of its first child.
         */
        int line(String path) {
            String p = path;
            while (true) {
                Integer line = lines.get(p + "#key");
                if (line == null) {
                    line = lines.get(p);
                }
                if (line != null) {
                    return line;
                }
                if (p.isEmpty()) {
                    return 0;
                }
                int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
                p = cut < 0 ? "" : p.substring(0, cut);
            }
        }

        boolean hasErrors() {
            return diagnostics.stream().anyMatch(Diagnostic::isError);
        }
    }
}

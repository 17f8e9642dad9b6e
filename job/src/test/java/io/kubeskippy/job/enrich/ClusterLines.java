package io.kubeskippy.job.enrich;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubeskippy.model.serde.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Edits recorded pods and events (JSON lines written by Recordings) for hostile-data tests. */
final class ClusterLines {

    private ClusterLines() {}

    /** Adds annotations to every recorded state of the pod. */
    static void annotate(Path dir, String pod, Map<String, String> annotations) throws IOException {
        edit(
                dir.resolve("pods.jsonl"),
                line -> {
                    ObjectNode meta = (ObjectNode) line.path("object").path("metadata");
                    if (meta.path("name").asText().equals(pod)) {
                        ObjectNode a = meta.putObject("annotations");
                        annotations.forEach(a::put);
                    }
                });
    }

    /** Sets the message of every recorded event. */
    static void setMessages(Path dir, String message) throws IOException {
        edit(
                dir.resolve("events.jsonl"),
                line -> ((ObjectNode) line.path("object")).put("message", message));
    }

    private static void edit(Path file, java.util.function.Consumer<ObjectNode> change)
            throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            ObjectNode o = (ObjectNode) Json.mapper().readTree(line);
            change.accept(o);
            out.add(o.toString());
        }
        Files.write(file, out);
    }
}

package io.kubeskippy.job.enrich;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One chat request: the system message (the rules), the user message (the finding, the allowed
 * actions, the delimited cluster data) and the JSON Schema the reply must follow.
 */
record Prompt(String system, String user, ObjectNode schema) {

    /** {@code text} cut to {@code max} characters, marked with an ellipsis when cut. */
    static String clip(String text, int max) {
        if (text == null) {
            return null;
        }
        return text.length() <= max ? text : text.substring(0, Math.max(0, max - 1)) + "…";
    }
}

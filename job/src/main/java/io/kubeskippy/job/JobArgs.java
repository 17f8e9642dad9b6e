package io.kubeskippy.job;

import io.kubeskippy.model.Topic;
import io.kubeskippy.model.Topics;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code --key value} (or {@code --key=value}) arguments into {@link JobSettings}: every
 * {@link JobOption}, plus {@code --topic-<role> NAME}. Shared by {@code skippy job}, {@code skippy
 * replay} and the job's main class, so every entry point takes the same options.
 */
public final class JobArgs {

    private JobArgs() {}

    /**
     * @throws IllegalArgumentException naming the first unknown or incomplete argument, or every
     *     invalid value
     */
    public static JobSettings parse(List<String> args) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<Topic, String> topics = new EnumMap<>(Topic.class);
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String key = arg.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new IllegalArgumentException("--" + key + " needs a value");
            }
            if (key.startsWith("topic-")) {
                Topic topic = topicOf(key.substring("topic-".length()));
                topics.put(topic, value);
            } else {
                values.put(key, value);
            }
        }
        return JobSettings.from(values, Topics.of(topics));
    }

    private static Topic topicOf(String suffix) {
        for (Topic t : Topic.values()) {
            if (t.optionSuffix().equals(suffix)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown option --topic-" + suffix);
    }

    /** The options as help text, one per line: key, default, description. */
    public static String help() {
        StringBuilder out = new StringBuilder();
        for (JobOption o : JobOption.values()) {
            out.append(
                    String.format(
                            "  --%-22s %s%s%n",
                            o.key() + " V",
                            o.description(),
                            o.defaultValue().isEmpty()
                                    ? ""
                                    : " (default: " + o.defaultValue() + ")"));
        }
        out.append(
                String.format(
                        "  --%-22s %s%n",
                        "topic-<role> NAME", "Topic names, as for skippy kafka."));
        return out.toString();
    }
}

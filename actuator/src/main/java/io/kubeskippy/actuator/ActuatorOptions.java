package io.kubeskippy.actuator;

import io.kubeskippy.actuator.safety.GateSettings;
import io.kubeskippy.model.Topic;
import io.kubeskippy.model.Topics;
import io.kubeskippy.model.policy.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The actuator's settings, parsed once from {@link ActuatorOption}s; immutable.
 *
 * @param kubeconfig an explicit kubeconfig file, or null
 * @param namespaces the only namespaces acted in; empty for all
 * @param pollInterval how often verification looks again (not an option: tests shorten it)
 */
public record ActuatorOptions(
        String kafka,
        Path kubeconfig,
        boolean dryRun,
        Set<String> namespaces,
        Set<String> protectedNamespaces,
        int metricsPort,
        String listenAddress,
        String groupId,
        int workers,
        Duration cooldown,
        int maxActionsPerHour,
        Duration stormWindow,
        int stormMaxTargets,
        double stormWorkloadShare,
        Duration approvalTtl,
        Duration maxActionAge,
        Duration verifyTimeout,
        Topics topics,
        Duration startTimeout,
        Duration pollInterval) {

    private static final Pattern HOST_PORT = Pattern.compile("[^\\s,:]+:\\d{1,5}");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern PERCENT = Pattern.compile("(\\d+(?:\\.\\d+)?)%");

    public ActuatorOptions {
        namespaces = Set.copyOf(namespaces);
        protectedNamespaces = Set.copyOf(protectedNamespaces);
    }

    /**
     * Parses option values by key ({@code metrics-port}, not {@code --metrics-port}); options not
     * given take their defaults. A flag's value is {@code true} or {@code false} (empty: true).
     *
     * @throws IllegalArgumentException listing every problem at once, each naming its option
     */
    public static ActuatorOptions from(Map<String, String> values) {
        List<String> errors = new ArrayList<>();
        Map<ActuatorOption, String> given = new EnumMap<>(ActuatorOption.class);
        values.forEach(
                (key, value) -> {
                    try {
                        given.put(ActuatorOption.byKey(key), value == null ? "" : value.trim());
                    } catch (IllegalArgumentException e) {
                        errors.add(e.getMessage());
                    }
                });
        Parser p = new Parser(given, errors);
        String kafka = p.kafka();
        Path kubeconfig = p.file(ActuatorOption.KUBECONFIG);
        boolean dryRun = p.flag(ActuatorOption.DRY_RUN);
        Set<String> namespaces = p.namespaces(ActuatorOption.NAMESPACES);
        Set<String> protectedNamespaces = p.namespaces(ActuatorOption.PROTECTED_NAMESPACES);
        int metricsPort =
                p.integer(ActuatorOption.METRICS_PORT, 0, 65535, " must be a port 0..65535");
        String listen = p.text(ActuatorOption.LISTEN_ADDRESS);
        String groupId = p.text(ActuatorOption.GROUP_ID);
        if (groupId != null && !GROUP.matcher(groupId).matches()) {
            errors.add(
                    "--group-id must be letters, digits, '.', '_' or '-', got '" + groupId + "'");
        }
        int workers = p.integer(ActuatorOption.WORKERS, 1, 256, " must be within 1..256");
        Duration cooldown = p.duration(ActuatorOption.COOLDOWN, true);
        int perHour =
                p.integer(
                        ActuatorOption.MAX_ACTIONS_PER_HOUR,
                        0,
                        1_000_000,
                        " must be within 0..1000000");
        Duration window = p.duration(ActuatorOption.STORM_WINDOW, false);
        int maxTargets =
                p.integer(
                        ActuatorOption.STORM_MAX_TARGETS,
                        1,
                        1_000_000,
                        " must be within 1..1000000");
        double share = p.percent(ActuatorOption.STORM_WORKLOAD_SHARE);
        Duration ttl = p.duration(ActuatorOption.APPROVAL_TTL, false);
        Duration maxAge = p.duration(ActuatorOption.MAX_ACTION_AGE, false);
        Duration verify = p.duration(ActuatorOption.VERIFY_TIMEOUT, false);
        Topics topics = p.topics();
        Duration start = p.duration(ActuatorOption.START_TIMEOUT, false);
        for (String ns : namespaces) {
            if (io.kubeskippy.model.policy.Selector.PROTECTED_NAMESPACES.contains(ns)
                    || protectedNamespaces.contains(ns)) {
                errors.add(
                        "--namespaces: "
                                + ns
                                + " is a protected namespace; the actuator never acts in it");
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return new ActuatorOptions(
                kafka,
                kubeconfig,
                dryRun,
                namespaces,
                protectedNamespaces,
                metricsPort,
                listen,
                groupId,
                workers,
                cooldown,
                perHour,
                window,
                maxTargets,
                share,
                ttl,
                maxAge,
                verify,
                topics,
                start,
                Duration.ofSeconds(1));
    }

    /** The gate's settings. */
    public GateSettings gateSettings() {
        return new GateSettings(
                namespaces,
                protectedNamespaces,
                cooldown,
                maxActionsPerHour,
                stormWindow,
                stormMaxTargets,
                stormWorkloadShare,
                approvalTtl,
                maxActionAge,
                dryRun);
    }

    public ActuatorOptions withPollInterval(Duration value) {
        return new ActuatorOptions(
                kafka,
                kubeconfig,
                dryRun,
                namespaces,
                protectedNamespaces,
                metricsPort,
                listenAddress,
                groupId,
                workers,
                cooldown,
                maxActionsPerHour,
                stormWindow,
                stormMaxTargets,
                stormWorkloadShare,
                approvalTtl,
                maxActionAge,
                verifyTimeout,
                topics,
                startTimeout,
                value);
    }

    /** Reads each option's text and reports what is wrong with it in {@code errors}. */
    private record Parser(Map<ActuatorOption, String> given, List<String> errors) {

        boolean isGiven(ActuatorOption o) {
            return given.containsKey(o);
        }

        String text(ActuatorOption o) {
            String value = given.getOrDefault(o, o.defaultValue());
            if (isGiven(o) && !o.isFlag() && value.isEmpty()) {
                errors.add(o.optionName() + " needs a value: " + o.paramLabel());
                return null;
            }
            return value.isEmpty() ? null : value;
        }

        String kafka() {
            String value = text(ActuatorOption.KAFKA);
            if (value == null) {
                if (!isGiven(ActuatorOption.KAFKA)) {
                    errors.add("--kafka HOST:PORT is required");
                }
                return null;
            }
            for (String server : value.split(",", -1)) {
                if (!HOST_PORT.matcher(server.trim()).matches()) {
                    errors.add("--kafka must be HOST:PORT[,HOST:PORT...], got '" + value + "'");
                    return null;
                }
            }
            return value;
        }

        boolean flag(ActuatorOption o) {
            String value = given.getOrDefault(o, o.defaultValue());
            if (value.isEmpty() || value.equalsIgnoreCase("true")) {
                return isGiven(o) || Boolean.parseBoolean(o.defaultValue());
            }
            if (value.equalsIgnoreCase("false")) {
                return false;
            }
            errors.add(o.optionName() + " is a flag (true or false), got '" + value + "'");
            return false;
        }

        Path file(ActuatorOption o) {
            String value = text(o);
            if (value == null) {
                return null;
            }
            Path file = Path.of(value);
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                errors.add(o.optionName() + " " + value + ": no such readable file");
            }
            return file;
        }

        Duration duration(ActuatorOption o, boolean zeroAllowed) {
            String value = given.getOrDefault(o, o.defaultValue());
            try {
                Duration d = Durations.parse(value);
                if (!zeroAllowed && d.toMillis() < 1) {
                    errors.add(o.optionName() + " must be at least 1ms, e.g. " + o.defaultValue());
                    return Durations.parse(o.defaultValue());
                }
                return d;
            } catch (IllegalArgumentException e) {
                errors.add(o.optionName() + " " + e.getMessage());
                return Durations.parse(o.defaultValue());
            }
        }

        int integer(ActuatorOption o, int min, int max, String rule) {
            String value = given.getOrDefault(o, o.defaultValue());
            try {
                int n = Integer.parseInt(value);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            errors.add(o.optionName() + rule + ", got '" + value + "'");
            return Integer.parseInt(o.defaultValue());
        }

        double percent(ActuatorOption o) {
            String value = given.getOrDefault(o, o.defaultValue());
            var m = PERCENT.matcher(value);
            if (m.matches()) {
                double p = Double.parseDouble(m.group(1));
                if (p > 0 && p <= 100) {
                    return p / 100;
                }
            }
            errors.add(
                    o.optionName()
                            + " must be a percentage within (0%, 100%], got '"
                            + value
                            + "'");
            return 0.5;
        }

        Set<String> namespaces(ActuatorOption o) {
            String value = text(o);
            Set<String> namespaces = new LinkedHashSet<>();
            if (value == null) {
                return namespaces;
            }
            for (String part : value.split(",", -1)) {
                String ns = part.trim();
                if (!DNS_LABEL.matcher(ns).matches()) {
                    errors.add(
                            o.optionName()
                                    + ": '"
                                    + ns
                                    + "' is not a namespace name (a lower-case DNS label)");
                } else {
                    namespaces.add(ns);
                }
            }
            return namespaces;
        }

        Topics topics() {
            Map<Topic, String> names = new EnumMap<>(Topic.class);
            names.put(Topic.ACTIONS, text(ActuatorOption.TOPIC_ACTIONS));
            names.put(Topic.AUDIT, text(ActuatorOption.TOPIC_AUDIT));
            names.put(Topic.POLICIES, text(ActuatorOption.TOPIC_POLICIES));
            names.put(Topic.DEADLETTER, text(ActuatorOption.TOPIC_DEADLETTER));
            names.values().removeIf(name -> name == null);
            try {
                return Topics.of(names);
            } catch (IllegalArgumentException e) {
                errors.add(e.getMessage());
                return Topics.defaults();
            }
        }
    }
}

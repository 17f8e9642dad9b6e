package io.kubeskippy.job.policytest;

import io.kubeskippy.job.policytest.PolicyTestFile.Container;
import io.kubeskippy.job.policytest.PolicyTestFile.Event;
import io.kubeskippy.job.policytest.PolicyTestFile.ExpectedAction;
import io.kubeskippy.job.policytest.PolicyTestFile.InputSeries;
import io.kubeskippy.job.policytest.PolicyTestFile.Pod;
import io.kubeskippy.job.policytest.PolicyTestFile.PodChange;
import io.kubeskippy.job.policytest.PolicyTestFile.TestCase;
import io.kubeskippy.model.policy.Diagnostic;
import io.kubeskippy.model.policy.Durations;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.PolicyAction;
import io.kubeskippy.model.policy.PolicyFile;
import io.kubeskippy.model.policy.PolicyReader;
import io.kubeskippy.model.policy.Quantity;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
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
 * Reads policy test files strictly, like the policy reader: an unknown key is an error naming its
 * path, defaults are applied, then references are checked (pods named by events and changes, the
 * policies and actions expected); every problem of a file is reported at once as {@code file:line:
 * path: message}. The policy files are read too, so a test of a broken policy fails before anything
 * runs.
 */
public final class PolicyTestReader {

    /** Largest test file read. */
    public static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

    private static final int MAX_ALIASES = 50;
    private static final int MAX_DEPTH = 64;

    private static final Set<String> RESOURCE_KEYS = Set.of("memory", "cpu");
    private static final Set<String> EVENT_TYPES = Set.of("Normal", "Warning");
    private static final Set<String> CONDITION_STATUSES = Set.of("True", "False", "Unknown");
    private static final Pattern DNS_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

    private final String source;
    private final Path directory;
    private final List<String> errors = new ArrayList<>();

    private PolicyTestReader(String source, Path directory) {
        this.source = source;
        this.directory = directory;
    }

    /**
     * Reads {@code file}.
     *
     * @throws PolicyTestException with every problem of the file
     */
    public static PolicyTestFile read(Path file) throws PolicyTestException {
        String source = file.toString();
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw new PolicyTestException(
                        List.of(source + ": is a directory; give the test files (tests/*.yaml)"));
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new PolicyTestException(
                        List.of(source + ": file is larger than 4 MiB; split the tests"));
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new PolicyTestException(List.of(source + ": cannot read: " + describe(e)));
        }
        Path dir = file.toAbsolutePath().getParent();
        return read(source, dir, bytes);
    }

    /**
     * Reads the bytes of a test file named {@code source}; policy paths are relative to {@code
     * directory}.
     *
     * @throws PolicyTestException with every problem of the file
     */
    public static PolicyTestFile read(String source, Path directory, byte[] bytes)
            throws PolicyTestException {
        PolicyTestReader reader = new PolicyTestReader(source, directory);
        PolicyTestFile file = reader.readBytes(bytes);
        if (!reader.errors.isEmpty()) {
            throw new PolicyTestException(reader.errors);
        }
        return file;
    }

    private static String describe(IOException e) {
        return e instanceof NoSuchFileException
                ? "no such file"
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private PolicyTestFile readBytes(byte[] bytes) {
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
            fileError(0, "not a text file: it is not valid UTF-8");
            return null;
        }
        if (text.isBlank()) {
            fileError(0, "file is empty; expected policies and tests");
            return null;
        }
        Node root;
        try {
            root = parse(text);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            fileError(mark == null ? 0 : mark.getLine() + 1, "not valid YAML: " + oneLine(problem));
            return null;
        } catch (YAMLException e) {
            fileError(0, "not valid YAML: " + oneLine(e.getMessage()));
            return null;
        } catch (StackOverflowError e) {
            fileError(0, "not valid YAML: nested too deeply");
            return null;
        }
        if (root == null) {
            fileError(0, "file is empty; expected policies and tests");
            return null;
        }
        Map<String, Node> top = mapping(root, "", "policies", "tests");
        if (top == null) {
            return null;
        }
        Map<String, HealingPolicy> policies = new LinkedHashMap<>();
        List<Path> policyFiles = policies(top, root, policies);
        List<TestCase> tests = new ArrayList<>();
        Node testsNode = required(top, "tests", "", root, "a list of test cases");
        if (testsNode != null) {
            List<Node> items = list(testsNode, "tests");
            if (items != null && items.isEmpty()) {
                error(testsNode, "tests", "must list at least one test case");
            }
            Map<String, Integer> names = new HashMap<>();
            for (int i = 0; items != null && i < items.size(); i++) {
                TestCase c = testCase(items.get(i), "tests[" + i + "]", policies);
                if (c != null) {
                    Integer first = names.putIfAbsent(c.name(), c.line());
                    if (first != null) {
                        error(
                                items.get(i),
                                "tests[" + i + "].name",
                                "'"
                                        + c.name()
                                        + "' is the name of another case (line "
                                        + first
                                        + "); names must be unique");
                    }
                    tests.add(c);
                }
            }
        }
        return errors.isEmpty() ? new PolicyTestFile(source, policyFiles, tests) : null;
    }

    private static Node parse(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setAllowDuplicateKeys(false);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_FILE_BYTES);
        options.setAllowRecursiveKeys(false);
        Node root = null;
        for (Node node : new Yaml(options).composeAll(new StringReader(text))) {
            if (root != null) {
                throw new YAMLException(
                        "a test file holds one document; found a second one on line "
                                + (node.getStartMark().getLine() + 1));
            }
            root = node;
        }
        return root;
    }

    // ---- policies

    private List<Path> policies(
            Map<String, Node> top, Node root, Map<String, HealingPolicy> byName) {
        List<Path> files = new ArrayList<>();
        Node node =
                required(
                        top,
                        "policies",
                        "",
                        root,
                        "the policy files this file tests, relative to it, e.g."
                                + " [../memory-leak.yaml]");
        if (node == null) {
            return files;
        }
        List<Node> items = list(node, "policies");
        if (items == null) {
            return files;
        }
        if (items.isEmpty()) {
            error(node, "policies", "must name at least one policy file");
        }
        for (int i = 0; i < items.size(); i++) {
            String path = "policies[" + i + "]";
            String name = text(items.get(i), path);
            if (name == null) {
                continue;
            }
            Path file = directory.resolve(name).normalize();
            if (!Files.isRegularFile(file)) {
                error(
                        items.get(i),
                        path,
                        "no such file: "
                                + name
                                + " (resolved to "
                                + file
                                + "); policy paths are relative to the test file");
                continue;
            }
            files.add(file);
            PolicyFile read = PolicyReader.readFile(file);
            if (read.hasErrors()) {
                List<String> problems =
                        read.diagnostics().stream()
                                .filter(Diagnostic::isError)
                                .map(Diagnostic::format)
                                .toList();
                error(
                        items.get(i),
                        path,
                        name
                                + " has errors (skippy policy check shows them):\n  "
                                + String.join("\n  ", problems));
                continue;
            }
            if (read.policies().isEmpty()) {
                error(items.get(i), path, name + " holds no HealingPolicy");
            }
            for (HealingPolicy p : read.policies()) {
                if (byName.putIfAbsent(p.name(), p) != null) {
                    error(
                            items.get(i),
                            path,
                            "policy '" + p.name() + "' is defined twice in the policy files");
                }
            }
        }
        return files;
    }

    // ---- test cases

    private TestCase testCase(Node node, String path, Map<String, HealingPolicy> policies) {
        Map<String, Node> m =
                mapping(
                        node,
                        path,
                        "name",
                        "interval",
                        "pods",
                        "inputSeries",
                        "events",
                        "podChanges",
                        "actions");
        if (m == null) {
            return null;
        }
        int before = errors.size();
        String name = string(m, "name", path, true, node);
        Duration interval = PolicyTests.DEFAULT_INTERVAL;
        if (m.containsKey("interval")) {
            Duration d = duration(m.get("interval"), join(path, "interval"));
            if (d != null && (d.isZero() || d.toMillis() < 1)) {
                error(m.get("interval"), join(path, "interval"), "must be at least 1ms, e.g. 15s");
            } else if (d != null) {
                interval = d;
            }
        }
        List<Pod> pods = new ArrayList<>();
        Map<String, Pod> podsByKey = new LinkedHashMap<>();
        forEach(
                m,
                "pods",
                path,
                (item, p) -> {
                    Pod pod = pod(item, p);
                    if (pod != null) {
                        if (podsByKey.putIfAbsent(pod.key(), pod) != null) {
                            error(item, p, "pod " + pod.key() + " is declared twice");
                        } else {
                            pods.add(pod);
                        }
                    }
                });
        List<InputSeries> series = new ArrayList<>();
        forEach(
                m,
                "inputSeries",
                path,
                (item, p) -> {
                    InputSeries s = inputSeries(item, p);
                    if (s != null) {
                        series.add(s);
                    }
                });
        List<Event> events = new ArrayList<>();
        forEach(
                m,
                "events",
                path,
                (item, p) -> {
                    Event e = event(item, p, podsByKey);
                    if (e != null) {
                        events.add(e);
                    }
                });
        List<PodChange> changes = new ArrayList<>();
        forEach(
                m,
                "podChanges",
                path,
                (item, p) -> {
                    PodChange c = podChange(item, p, podsByKey);
                    if (c != null) {
                        changes.add(c);
                    }
                });
        List<ExpectedAction> actions = new ArrayList<>();
        Node actionsNode =
                required(
                        m,
                        "actions",
                        path,
                        node,
                        "the actions expected ([] for none), e.g. [{policy: crash-loop, target:"
                                + " Pod/shop/cart-1, action: delete-pod}]");
        if (actionsNode != null) {
            List<Node> items = list(actionsNode, join(path, "actions"));
            for (int i = 0; items != null && i < items.size(); i++) {
                ExpectedAction a =
                        expectedAction(
                                items.get(i), join(path, "actions") + "[" + i + "]", policies);
                if (a != null) {
                    actions.add(a);
                }
            }
        }
        if (errors.size() > before || name == null) {
            return null;
        }
        return new TestCase(name, line(node), interval, pods, series, events, changes, actions);
    }

    private Pod pod(Node node, String path) {
        Map<String, Node> m =
                mapping(
                        node,
                        path,
                        "name",
                        "namespace",
                        "deployment",
                        "labels",
                        "started",
                        "phase",
                        "containers",
                        "conditions");
        if (m == null) {
            return null;
        }
        String name = dnsName(m, "name", path, true, node);
        String namespace = dnsName(m, "namespace", path, false, node);
        String deployment = dnsName(m, "deployment", path, false, node);
        Map<String, String> labels =
                m.containsKey("labels")
                        ? stringMap(m.get("labels"), join(path, "labels"))
                        : Map.of();
        Duration started = Duration.ZERO;
        if (m.containsKey("started")) {
            started = offset(m.get("started"), join(path, "started"));
        }
        String phase = string(m, "phase", path, false, node);
        List<Container> containers = new ArrayList<>();
        if (m.containsKey("containers")) {
            List<Node> items = list(m.get("containers"), join(path, "containers"));
            if (items != null && items.isEmpty()) {
                error(m.get("containers"), join(path, "containers"), "must list a container");
            }
            Set<String> names = new HashSet<>();
            for (int i = 0; items != null && i < items.size(); i++) {
                String p = join(path, "containers") + "[" + i + "]";
                Container c = container(items.get(i), p);
                if (c != null && !names.add(c.name())) {
                    error(items.get(i), p, "container " + c.name() + " is declared twice");
                } else if (c != null) {
                    containers.add(c);
                }
            }
        } else {
            containers.add(new Container("app", Map.of(), Map.of(), 0, null, null));
        }
        Map<String, String> conditions = new LinkedHashMap<>();
        conditions.put("Ready", "True");
        if (m.containsKey("conditions")) {
            Node c = m.get("conditions");
            Map<String, String> given = stringMap(c, join(path, "conditions"));
            for (Map.Entry<String, String> e : given.entrySet()) {
                String status = e.getValue();
                if (status.equals("true") || status.equals("false")) {
                    status = status.equals("true") ? "True" : "False";
                }
                if (!CONDITION_STATUSES.contains(status)) {
                    error(
                            c,
                            join(path, "conditions") + "." + e.getKey(),
                            "must be True, False or Unknown, got '" + e.getValue() + "'");
                }
                conditions.put(e.getKey(), status);
            }
        }
        if (name == null) {
            return null;
        }
        return new Pod(
                name,
                namespace == null ? "default" : namespace,
                deployment,
                labels,
                started,
                phase == null ? "Running" : phase,
                containers,
                conditions);
    }

    private Container container(Node node, String path) {
        Map<String, Node> m =
                mapping(
                        node,
                        path,
                        "name",
                        "limits",
                        "requests",
                        "restarts",
                        "waiting",
                        "lastTerminated");
        if (m == null) {
            return null;
        }
        String name = dnsName(m, "name", path, false, node);
        Map<String, String> limits =
                m.containsKey("limits")
                        ? resources(m.get("limits"), join(path, "limits"))
                        : Map.of();
        Map<String, String> requests =
                m.containsKey("requests")
                        ? resources(m.get("requests"), join(path, "requests"))
                        : Map.of();
        Integer restarts = integer(m, "restarts", path, 0, 1_000_000);
        String waiting = string(m, "waiting", path, false, node);
        String lastTerminated = string(m, "lastTerminated", path, false, node);
        return new Container(
                name == null ? "app" : name,
                limits,
                requests,
                restarts == null ? 0 : restarts,
                waiting,
                lastTerminated);
    }

    private Map<String, String> resources(Node node, String path) {
        Map<String, Node> m = mapping(node, path, "memory", "cpu");
        Map<String, String> out = new LinkedHashMap<>();
        if (m == null) {
            return out;
        }
        for (Map.Entry<String, Node> e : m.entrySet()) {
            if (!RESOURCE_KEYS.contains(e.getKey())) {
                continue;
            }
            String p = join(path, e.getKey());
            String q = text(e.getValue(), p);
            if (q == null) {
                continue;
            }
            try {
                Quantity.parse(q);
                out.put(e.getKey(), q);
            } catch (IllegalArgumentException ex) {
                error(e.getValue(), p, ex.getMessage());
            }
        }
        return out;
    }

    private InputSeries inputSeries(Node node, String path) {
        Map<String, Node> m = mapping(node, path, "series", "values");
        if (m == null) {
            return null;
        }
        String seriesText = string(m, "series", path, true, node);
        SeriesNotation.Series series = null;
        if (seriesText != null) {
            try {
                series = SeriesNotation.parseSeries(seriesText);
            } catch (IllegalArgumentException e) {
                error(m.get("series"), join(path, "series"), e.getMessage());
            }
        }
        Node valuesNode =
                required(m, "values", path, node, "expanding notation such as '100e6+1e6x400'");
        List<SeriesNotation.Value> values = null;
        if (valuesNode != null) {
            String p = join(path, "values");
            String text = null;
            if (valuesNode instanceof SequenceNode seq) {
                // the extension: a list of segments, read as if joined by spaces
                List<String> segments = new ArrayList<>();
                for (int i = 0; i < seq.getValue().size(); i++) {
                    String s = text(seq.getValue().get(i), p + "[" + i + "]");
                    if (s != null) {
                        segments.add(s);
                    }
                }
                text = String.join(" ", segments);
            } else {
                text = text(valuesNode, p);
            }
            if (text != null) {
                try {
                    values = SeriesNotation.expand(text);
                    if (values.isEmpty()) {
                        error(valuesNode, p, "must hold at least one value");
                    }
                } catch (IllegalArgumentException e) {
                    error(valuesNode, p, e.getMessage());
                }
            }
        }
        if (series == null || values == null) {
            return null;
        }
        return new InputSeries(line(node), series, values);
    }

    private Event event(Node node, String path, Map<String, Pod> pods) {
        Map<String, Node> m = mapping(node, path, "pod", "namespace", "reason", "type", "at");
        if (m == null) {
            return null;
        }
        Pod pod = podRef(m, path, node, pods);
        String reason = string(m, "reason", path, true, node);
        String type = string(m, "type", path, false, node);
        if (type != null && !EVENT_TYPES.contains(type)) {
            error(
                    m.get("type"),
                    join(path, "type"),
                    "must be Normal or Warning, got '" + type + "'");
        }
        Node atNode = required(m, "at", path, node, "an offset such as 90s or 5m");
        Duration at = atNode == null ? null : offset(atNode, join(path, "at"));
        if (pod == null || reason == null || at == null) {
            return null;
        }
        return new Event(pod.namespace(), pod.name(), reason, type == null ? "Warning" : type, at);
    }

    private PodChange podChange(Node node, String path, Map<String, Pod> pods) {
        Map<String, Node> m =
                mapping(
                        node,
                        path,
                        "pod",
                        "namespace",
                        "at",
                        "container",
                        "restart",
                        "waiting",
                        "limits",
                        "deleted");
        if (m == null) {
            return null;
        }
        Pod pod = podRef(m, path, node, pods);
        Node atNode = required(m, "at", path, node, "an offset such as 90s or 5m");
        Duration at = atNode == null ? null : offset(atNode, join(path, "at"));
        String container = string(m, "container", path, false, node);
        String restart = string(m, "restart", path, false, node);
        String waiting = string(m, "waiting", path, false, node);
        Map<String, String> limits =
                m.containsKey("limits") ? resources(m.get("limits"), join(path, "limits")) : null;
        Boolean deleted = bool(m, "deleted", path);
        if (restart == null && waiting == null && limits == null && !Boolean.TRUE.equals(deleted)) {
            error(
                    node,
                    path,
                    "says nothing changes; give restart (e.g. restart: OOMKilled), waiting,"
                            + " limits or deleted: true");
            return null;
        }
        if (pod != null) {
            if (container != null
                    && pod.containers().stream().noneMatch(c -> c.name().equals(container))) {
                error(
                        m.get("container"),
                        join(path, "container"),
                        "pod " + pod.key() + " has no container " + container);
            } else if (container == null && pod.containers().size() > 1) {
                error(
                        node,
                        path,
                        "pod " + pod.key() + " has several containers; name one with container:");
            }
        }
        if (pod == null || at == null) {
            return null;
        }
        return new PodChange(
                pod.namespace(),
                pod.name(),
                at,
                container,
                restart,
                waiting,
                limits,
                Boolean.TRUE.equals(deleted));
    }

    /** The declared pod an event or change is about. */
    private Pod podRef(Map<String, Node> m, String path, Node node, Map<String, Pod> pods) {
        String name = string(m, "pod", path, true, node);
        String namespace = string(m, "namespace", path, false, node);
        if (name == null) {
            return null;
        }
        List<Pod> matches =
                pods.values().stream()
                        .filter(p -> p.name().equals(name))
                        .filter(p -> namespace == null || p.namespace().equals(namespace))
                        .toList();
        if (matches.size() == 1) {
            return matches.get(0);
        }
        String who = namespace == null ? name : namespace + "/" + name;
        error(
                m.get("pod"),
                join(path, "pod"),
                matches.isEmpty()
                        ? "no pod " + who + " in this case's pods; declare it there"
                        : "several pods are named " + name + "; add namespace:");
        return null;
    }

    private ExpectedAction expectedAction(
            Node node, String path, Map<String, HealingPolicy> policies) {
        Map<String, Node> m =
                mapping(
                        node,
                        path,
                        "policy",
                        "target",
                        "action",
                        "at",
                        "after",
                        "before",
                        "dryRun",
                        "approvalRequired");
        if (m == null) {
            return null;
        }
        String policy = string(m, "policy", path, true, node);
        if (policy != null && !policies.isEmpty() && !policies.containsKey(policy)) {
            error(
                    m.get("policy"),
                    join(path, "policy"),
                    "no policy '"
                            + policy
                            + "' in the policy files; they define: "
                            + String.join(", ", policies.keySet()));
            policy = null;
        }
        String target = string(m, "target", path, true, node);
        if (target != null) {
            String[] parts = target.split("/", -1);
            if (parts.length < 2
                    || parts.length > 3
                    || Arrays.stream(parts).anyMatch(String::isBlank)) {
                error(
                        m.get("target"),
                        join(path, "target"),
                        "must be Kind/namespace/name (e.g. Pod/shop/cart-1 or"
                                + " Deployment/shop/cart), got '"
                                + target
                                + "'");
            }
        }
        String action = string(m, "action", path, true, node);
        if (action != null && policy != null) {
            HealingPolicy p = policies.get(policy);
            List<String> names = p.spec().actions().stream().map(PolicyAction::name).toList();
            if (!names.contains(action)) {
                error(
                        m.get("action"),
                        join(path, "action"),
                        "policy '"
                                + policy
                                + "' has no action '"
                                + action
                                + "'; its actions: "
                                + String.join(", ", names));
            }
        }
        Duration at = m.containsKey("at") ? offset(m.get("at"), join(path, "at")) : null;
        Duration after =
                m.containsKey("after") ? offset(m.get("after"), join(path, "after")) : null;
        Duration before =
                m.containsKey("before") ? offset(m.get("before"), join(path, "before")) : null;
        if (m.containsKey("at") && (m.containsKey("after") || m.containsKey("before"))) {
            error(
                    m.get("at"),
                    join(path, "at"),
                    "give either at (exactly then) or after/before (a range), not both");
        }
        if (after != null && before != null && after.compareTo(before) >= 0) {
            error(
                    m.get("before"),
                    join(path, "before"),
                    "must be later than after ("
                            + PolicyTests.offset(after)
                            + "), got "
                            + PolicyTests.offset(before));
        }
        Boolean dryRun = bool(m, "dryRun", path);
        Boolean approval = bool(m, "approvalRequired", path);
        return new ExpectedAction(
                line(node), policy, target, action, at, after, before, dryRun, approval);
    }

    // ---- typed access

    private interface ItemReader {
        void read(Node item, String path);
    }

    private void forEach(Map<String, Node> m, String key, String path, ItemReader reader) {
        Node node = m.get(key);
        if (node == null || isNull(node)) {
            return;
        }
        List<Node> items = list(node, join(path, key));
        for (int i = 0; items != null && i < items.size(); i++) {
            reader.read(items.get(i), join(path, key) + "[" + i + "]");
        }
    }

    /** The keys of a mapping; reports a non-mapping, duplicate keys and keys not allowed. */
    private Map<String, Node> mapping(Node node, String path, String... allowed) {
        if (!(node instanceof MappingNode mapping)) {
            error(
                    node,
                    path,
                    "must be a mapping with keys " + String.join(", ", allowed) + describe(node));
            return null;
        }
        Set<String> known = Set.of(allowed);
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode key)) {
                error(t.getKeyNode(), path, "keys must be plain strings");
                continue;
            }
            String name = key.getValue();
            String keyPath = join(path, name);
            if (!known.contains(name)) {
                error(key, keyPath, "unknown key; expected one of: " + String.join(", ", allowed));
                continue;
            }
            if (out.containsKey(name)) {
                error(key, keyPath, "duplicate key; keep one of them");
                continue;
            }
            out.put(name, t.getValueNode());
        }
        return out;
    }

    private List<Node> list(Node node, String path) {
        if (!(node instanceof SequenceNode seq)) {
            error(node, path, "must be a list" + describe(node));
            return null;
        }
        return seq.getValue();
    }

    private Node required(Map<String, Node> m, String key, String path, Node parent, String hint) {
        Node node = m.get(key);
        if (node == null || isNull(node)) {
            error(parent, join(path, key), "is required: " + hint);
            return null;
        }
        return node;
    }

    /** A scalar as text; an error for a mapping, a list or null. */
    private String text(Node node, String path) {
        if (!(node instanceof ScalarNode scalar) || isNull(node)) {
            error(node, path, "must be a string" + describe(node));
            return null;
        }
        return scalar.getValue();
    }

    private String string(
            Map<String, Node> m, String key, String path, boolean required, Node parent) {
        Node node = m.get(key);
        if (node == null || isNull(node)) {
            if (required) {
                error(parent, join(path, key), "is required");
            }
            return null;
        }
        String s = text(node, join(path, key));
        if (s != null && s.isBlank()) {
            error(node, join(path, key), "must not be empty");
            return null;
        }
        return s;
    }

    private String dnsName(
            Map<String, Node> m, String key, String path, boolean required, Node parent) {
        String s = string(m, key, path, required, parent);
        if (s != null && (s.length() > 253 || !DNS_NAME.matcher(s).matches())) {
            error(
                    m.get(key),
                    join(path, key),
                    "must be a Kubernetes name (lower case letters, digits, '-' and '.'), got '"
                            + s
                            + "'");
            return null;
        }
        return s;
    }

    private Map<String, String> stringMap(Node node, String path) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!(node instanceof MappingNode mapping)) {
            error(node, path, "must be a mapping of names to strings" + describe(node));
            return out;
        }
        for (NodeTuple t : mapping.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode key)) {
                error(t.getKeyNode(), path, "keys must be plain strings");
                continue;
            }
            String value = text(t.getValueNode(), join(path, key.getValue()));
            if (value != null && out.put(key.getValue(), value) != null) {
                error(key, join(path, key.getValue()), "duplicate key; keep one of them");
            }
        }
        return out;
    }

    private Integer integer(Map<String, Node> m, String key, String path, int min, int max) {
        Node node = m.get(key);
        if (node == null || isNull(node)) {
            return null;
        }
        String p = join(path, key);
        if (!(node instanceof ScalarNode s) || !Tag.INT.equals(s.getTag())) {
            error(node, p, "must be a whole number" + describe(node));
            return null;
        }
        try {
            int v = Integer.parseInt(s.getValue().replace("_", ""));
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // out of range: reported below
        }
        error(node, p, "must be within " + min + ".." + max + ", got " + s.getValue());
        return null;
    }

    private Boolean bool(Map<String, Node> m, String key, String path) {
        Node node = m.get(key);
        if (node == null || isNull(node)) {
            return null;
        }
        if (!(node instanceof ScalarNode s) || !Tag.BOOL.equals(s.getTag())) {
            error(node, join(path, key), "must be true or false" + describe(node));
            return null;
        }
        return s.getValue().equalsIgnoreCase("true")
                || s.getValue().equalsIgnoreCase("yes")
                || s.getValue().equalsIgnoreCase("on")
                || s.getValue().equalsIgnoreCase("y");
    }

    private Duration duration(Node node, String path) {
        String s = text(node, path);
        if (s == null) {
            return null;
        }
        try {
            return Durations.parse(s);
        } catch (IllegalArgumentException e) {
            error(node, path, e.getMessage());
            return null;
        }
    }

    private Duration offset(Node node, String path) {
        String s = text(node, path);
        if (s == null) {
            return null;
        }
        try {
            return PolicyTests.parseOffset(s);
        } catch (IllegalArgumentException e) {
            error(
                    node,
                    path,
                    "must be an offset from the start such as 90s, 5m or -1m: " + e.getMessage());
            return null;
        }
    }

    // ---- errors

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    private static String describe(Node node) {
        if (node instanceof MappingNode) {
            return ", got a mapping";
        }
        if (node instanceof SequenceNode) {
            return ", got a list";
        }
        if (isNull(node)) {
            return ", got nothing";
        }
        return ", got '" + ((ScalarNode) node).getValue() + "'";
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static int line(Node node) {
        return node == null || node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    private void error(Node node, String path, String message) {
        int line = line(node);
        errors.add(
                source
                        + (line > 0 ? ":" + line : "")
                        + ": "
                        + (path.isEmpty() ? "" : path + ": ")
                        + message);
    }

    private void fileError(int line, String message) {
        errors.add(source + (line > 0 ? ":" + line : "") + ": " + message);
    }

    private static String oneLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        String first = message.strip().split("\n", 2)[0];
        return first.length() > 300 ? first.substring(0, 300) + "..." : first;
    }
}

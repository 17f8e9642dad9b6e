package io.kubeskippy.job.replay;

import io.kubeskippy.job.JobSettings;
import io.kubeskippy.job.SkippyJob;
import io.kubeskippy.job.pattern.PolicyUpdate;
import io.kubeskippy.job.policy.ActivePolicies;
import io.kubeskippy.job.source.RecordDecoder;
import io.kubeskippy.job.source.SourceRecord;
import io.kubeskippy.model.Topic;
import io.kubeskippy.model.policy.Diagnostic;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.PolicyDocument;
import io.kubeskippy.model.policy.PolicyFile;
import io.kubeskippy.model.policy.PolicyReader;
import io.kubeskippy.model.record.DeadLetter;
import io.kubeskippy.model.record.Finding;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.serde.Json;
import io.kubeskippy.model.serde.RecordCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Runs the job graph over recorded input: policy files, and JSON-lines files of MetricSamples, pod
 * WatchEvents and event WatchEvents. Bad lines are reported with their line numbers and skipped;
 * the records are replayed in event-time order, so a replay decides as the live job did.
 */
public final class Replay {

    /** One recorded input file and what it holds. */
    public record Input(Topic role, Path file) {}

    /** What a replay produced. */
    public record Result(
            List<HealingAction> actions, List<Finding> findings, List<DeadLetter> deadLetters) {}

    private final JobSettings settings;

    public Replay(JobSettings settings) {
        this.settings = settings;
    }

    /**
     * Reads the policy files of {@code policies}: a file, or a directory's files (not its
     * subdirectories, so {@code policies/} means the shipped policies, not their test data).
     *
     * @throws IllegalArgumentException with every error, if any file has one
     */
    public static Map<String, PolicyUpdate> readPolicies(Path policies) {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(policies)) {
            try (Stream<Path> walk = Files.list(policies)) {
                walk.filter(Files::isRegularFile)
                        .filter(p -> p.toString().matches(".*\\.(yaml|yml|json)$"))
                        .sorted()
                        .forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            files.add(policies);
        }
        Map<String, PolicyUpdate> updates = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (Path file : files) {
            PolicyFile read = PolicyReader.readFile(file);
            read.diagnostics().stream()
                    .filter(Diagnostic::isError)
                    .map(Diagnostic::format)
                    .forEach(errors::add);
            if (read.hasErrors()) {
                continue;
            }
            for (PolicyDocument doc : read.documents()) {
                HealingPolicy p = doc.policy();
                if (p == null) {
                    continue;
                }
                try {
                    updates.put(
                            p.name(),
                            PolicyUpdate.of(
                                    p.name(),
                                    p.version(),
                                    Json.mapper().writeValueAsString(doc.document()),
                                    0));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", errors));
        }
        return updates;
    }

    /**
     * Reads input files into records in event-time order; unreadable lines go to {@code badLines}
     * as dead letters (offset = line number) and are skipped.
     */
    public static List<SourceRecord> readInputs(List<Input> inputs, Consumer<DeadLetter> badLines) {
        RecordDecoder decoder = new RecordDecoder();
        RecordCodec<DeadLetter> deadLetters = RecordCodec.deadLetters();
        List<SourceRecord> records = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        for (Input input : inputs) {
            try (BufferedReader reader =
                    Files.newBufferedReader(input.file(), StandardCharsets.UTF_8)) {
                String line;
                long number = 0;
                while ((line = reader.readLine()) != null) {
                    number++;
                    if (line.isBlank()) {
                        continue;
                    }
                    SourceRecord r =
                            decoder.decode(
                                    input.role(),
                                    input.file().toString(),
                                    -1,
                                    number,
                                    null,
                                    line.getBytes(StandardCharsets.UTF_8));
                    if (r == null) {
                        continue;
                    }
                    if (r.deadLetter != null) {
                        badLines.accept(
                                deadLetters.decodeOrThrow(
                                        r.deadLetter.getBytes(StandardCharsets.UTF_8)));
                        continue;
                    }
                    records.add(r);
                    order.add(rank(input.role()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot read " + input.file() + ": " + e.getMessage(), e);
            }
        }
        // event time; at the same instant, pod state before events before samples
        List<Integer> index = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            index.add(i);
        }
        index.sort(
                Comparator.<Integer>comparingLong(i -> records.get(i).timestampMs())
                        .thenComparingInt(order::get));
        List<SourceRecord> sorted = new ArrayList<>(records.size());
        index.forEach(i -> sorted.add(records.get(i)));
        return sorted;
    }

    /** At the same instant: pod state before events before samples. */
    private static int rank(Topic role) {
        return switch (role) {
            case PODS -> 0;
            case EVENTS -> 1;
            default -> 2;
        };
    }

    /** Runs the graph over the records with the policies; blocks until the input is processed. */
    public Result run(
            StreamExecutionEnvironment env,
            Map<String, PolicyUpdate> policies,
            List<SourceRecord> records)
            throws Exception {
        if (policies.isEmpty()) {
            throw new IllegalArgumentException("no policies to replay");
        }
        if (records.isEmpty()) {
            return new Result(List.of(), List.of(), List.of());
        }
        org.apache.flink.configuration.Configuration strict =
                new org.apache.flink.configuration.Configuration();
        strict.set(org.apache.flink.configuration.PipelineOptions.GENERIC_TYPES, false);
        env.configure(strict);
        TypeInformation<SourceRecord> type = TypeInformation.of(SourceRecord.class);
        DataStream<SourceRecord> data =
                env.fromData(records, type)
                        .assignTimestampsAndWatermarks(SkippyJob.replayWatermarks(settings));
        List<SourceRecord> policyRecords =
                policies.values().stream().map(SourceRecord::of).toList();
        DataStream<SourceRecord> policyStream = env.fromData(policyRecords, type);
        SkippyJob.Outputs out =
                new SkippyJob(settings, new ActivePolicies(policies)).build(data, policyStream);
        List<HealingAction> actions = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        List<DeadLetter> dead = new ArrayList<>();
        RecordCodec<HealingAction> actionCodec = RecordCodec.healingActions();
        RecordCodec<Finding> findingCodec = RecordCodec.findings();
        RecordCodec<DeadLetter> deadCodec = RecordCodec.deadLetters();
        TypeInformation<Output> outType = TypeInformation.of(Output.class);
        DataStream<Output> all =
                out.actions()
                        .map(
                                a ->
                                        Output.of(
                                                "action",
                                                RecordCodec.healingActions().encodeToString(a)),
                                outType)
                        .union(
                                out.findings()
                                        .map(
                                                f ->
                                                        Output.of(
                                                                "finding",
                                                                RecordCodec.findings()
                                                                        .encodeToString(f)),
                                                outType),
                                out.deadLetters().map(d -> Output.of("dead", d), outType));
        try (CloseableIterator<Output> it = all.executeAndCollect("skippy replay")) {
            while (it.hasNext()) {
                Output o = it.next();
                byte[] json = o.json.getBytes(StandardCharsets.UTF_8);
                switch (o.kind) {
                    case "action" -> actions.add(actionCodec.decodeOrThrow(json));
                    case "finding" -> findings.add(findingCodec.decodeOrThrow(json));
                    default -> dead.add(deadCodec.decodeOrThrow(json));
                }
            }
        }
        actions.sort(Comparator.comparing(a -> a.spec().detection().detectedAt()));
        findings.sort(Comparator.comparing(Finding::detectedAt));
        return new Result(actions, findings, dead);
    }

    /** One output of a replay, as JSON: a Flink POJO so the outputs share one stream. */
    public static class Output {
        public String kind;
        public String json;

        public Output() {}

        static Output of(String kind, String json) {
            Output o = new Output();
            o.kind = kind;
            o.json = json;
            return o;
        }
    }
}

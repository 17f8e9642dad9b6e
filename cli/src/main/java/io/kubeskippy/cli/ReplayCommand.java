package io.kubeskippy.cli;

import io.kubeskippy.job.JobArgs;
import io.kubeskippy.job.JobSettings;
import io.kubeskippy.job.pattern.PolicyUpdate;
import io.kubeskippy.job.replay.Replay;
import io.kubeskippy.job.source.SourceRecord;
import io.kubeskippy.model.Topic;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.serde.RecordCodec;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code skippy replay}: the job graph over recorded input; HealingActions on stdout. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Run the job graph over recorded metrics, pods and events and print the"
                    + " HealingActions it emits, one JSON line each, in detection order.",
            "Files are JSON lines: MetricSamples, and WatchEvents of pods and of events."
                    + " Bad lines are reported on stderr with their line numbers and skipped.",
        },
        footerHeading = "%nOptions of the job (also for skippy replay):%n")
final class ReplayCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--policies",
            required = true,
            paramLabel = "DIR",
            description = "Policy file or directory.")
    Path policies;

    @Option(
            names = "--metrics",
            paramLabel = "F.jsonl",
            description = "MetricSamples, one per line.")
    Path metrics;

    @Option(
            names = "--pods",
            paramLabel = "F.jsonl",
            description = "Pod WatchEvents, one per line.")
    Path pods;

    @Option(
            names = "--events",
            paramLabel = "F.jsonl",
            description = "Event WatchEvents, one per line.")
    Path events;

    @Option(
            names = "--findings",
            description = "Also print the findings (suppressed ones too), to stderr.")
    boolean findings;

    @CommandLine.Unmatched List<String> jobArgs = new java.util.ArrayList<>();

    @Override
    public Integer call() throws Exception {
        JobSettings settings;
        try {
            settings = JobArgs.parse(jobArgs);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), 2);
        }
        if (metrics == null && pods == null && events == null) {
            throw new UserError("give at least one of --metrics, --pods, --events", 2);
        }
        List<Replay.Input> inputs = new ArrayList<>();
        add(inputs, Topic.PODS, pods);
        add(inputs, Topic.EVENTS, events);
        add(inputs, Topic.METRICS, metrics);
        if (!Files.exists(policies)) {
            throw new UserError(policies + ": no such file or directory");
        }
        Map<String, PolicyUpdate> policyUpdates;
        try {
            policyUpdates = Replay.readPolicies(policies);
        } catch (IllegalArgumentException e) {
            throw new UserError("policies have errors:\n" + e.getMessage());
        }
        if (policyUpdates.isEmpty()) {
            throw new UserError("no HealingPolicy under " + policies);
        }
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        int[] bad = {0};
        List<SourceRecord> records =
                Replay.readInputs(
                        inputs,
                        d -> {
                            bad[0]++;
                            err.println(d.sourceTopic() + ":" + d.offset() + ": " + d.reason());
                        });
        err.printf(
                "skippy replay: %d records, %d bad lines, %d policies; running the job graph...%n",
                records.size(), bad[0], policyUpdates.size());
        err.flush();
        Replay.Result result =
                new Replay(settings).run(LocalFlink.batchLike(1), policyUpdates, records);
        RecordCodec<HealingAction> codec = RecordCodec.healingActions();
        for (HealingAction action : result.actions()) {
            out.println(codec.encodeToString(action));
        }
        out.flush();
        if (findings) {
            RecordCodec<io.kubeskippy.model.record.Finding> fc = RecordCodec.findings();
            result.findings().forEach(f -> err.println(fc.encodeToString(f)));
        }
        long suppressed = result.findings().stream().filter(f -> f.suppressed() != null).count();
        err.printf(
                "skippy replay: %d actions, %d findings (%d suppressed)%n",
                result.actions().size(), result.findings().size(), suppressed);
        return 0;
    }

    private static void add(List<Replay.Input> inputs, Topic role, Path file) {
        if (file == null) {
            return;
        }
        if (!Files.isRegularFile(file)) {
            throw new UserError(file + ": no such file");
        }
        inputs.add(new Replay.Input(role, file));
    }
}

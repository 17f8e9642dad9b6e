package io.kubeskippy.job.policytest;

import io.kubeskippy.job.JobSettings;
import io.kubeskippy.job.pattern.PolicyUpdate;
import io.kubeskippy.job.policytest.ActionMatcher.Emitted;
import io.kubeskippy.job.policytest.PolicyTestFile.ExpectedAction;
import io.kubeskippy.job.policytest.PolicyTestFile.TestCase;
import io.kubeskippy.job.replay.Replay;
import io.kubeskippy.job.source.SourceRecord;
import io.kubeskippy.model.record.Finding;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs policy test files: each case's input replayed through the job graph ({@link Replay}) with
 * the file's policies, its actions compared with the expected ones ({@link ActionMatcher}). Prints
 * as promtool does, as it goes: per case {@code PASS name} or {@code FAIL name} with expected, got
 * and a diff, per file and overall a summary. A file that cannot be read is reported with every
 * error and counts as failed; the other files still run.
 */
public final class PolicyTestRunner {

    /** How a case ended. */
    public enum Outcome {
        PASS,
        FAIL,
        /** The case could not run (the job failed): counted as failed. */
        ERROR
    }

    /**
     * The result of one case.
     *
     * @param report the lines printed under a failed case (expected, got, diff, notes)
     */
    public record CaseResult(
            String name,
            Outcome outcome,
            Duration took,
            List<Emitted> emitted,
            List<String> diff,
            List<String> report) {
        public boolean passed() {
            return outcome == Outcome.PASS;
        }
    }

    /** The result of one file: its errors if it could not be read, else its cases. */
    public record FileResult(String source, List<String> errors, List<CaseResult> cases) {
        public boolean passed() {
            return errors.isEmpty() && cases.stream().allMatch(CaseResult::passed);
        }

        public long failedCases() {
            return cases.stream().filter(c -> !c.passed()).count();
        }
    }

    /** The result of a run. */
    public record Summary(List<FileResult> files, Duration took) {
        public long cases() {
            return files.stream().mapToLong(f -> f.cases().size()).sum();
        }

        public long failedCases() {
            return files.stream().mapToLong(FileResult::failedCases).sum();
        }

        public long filesWithErrors() {
            return files.stream().filter(f -> !f.errors().isEmpty()).count();
        }

        public boolean passed() {
            return files.stream().allMatch(FileResult::passed);
        }

        /** 0 if every case of every file passed, else 1. */
        public int exitCode() {
            return passed() ? 0 : 1;
        }
    }

    private final JobSettings settings;
    private final Supplier<StreamExecutionEnvironment> environments;
    private final PrintWriter out;
    private final Predicate<String> caseFilter;
    private final boolean verbose;

    /**
     * @param environments a Flink environment per case (all may share one cluster)
     * @param out where the report goes
     * @param caseFilter which cases run, by name
     * @param verbose also list the actions of passing cases
     */
    public PolicyTestRunner(
            JobSettings settings,
            Supplier<StreamExecutionEnvironment> environments,
            PrintWriter out,
            Predicate<String> caseFilter,
            boolean verbose) {
        this.settings = settings;
        this.environments = environments;
        this.out = out;
        this.caseFilter = caseFilter;
        this.verbose = verbose;
    }

    public PolicyTestRunner(
            JobSettings settings,
            Supplier<StreamExecutionEnvironment> environments,
            PrintWriter out) {
        this(settings, environments, out, name -> true, false);
    }

    /** Runs every file and prints the overall summary. */
    public Summary run(List<Path> files) {
        long started = System.nanoTime();
        List<FileResult> results = new ArrayList<>();
        for (Path file : files) {
            results.add(run(file));
        }
        Summary summary = new Summary(results, Duration.ofNanos(System.nanoTime() - started));
        long cases = summary.cases();
        long failed = summary.failedCases();
        out.printf(
                Locale.ROOT,
                "%d %s, %d %s: %d passed, %d failed%s (%s)%n",
                files.size(),
                files.size() == 1 ? "file" : "files",
                cases,
                cases == 1 ? "case" : "cases",
                cases - failed,
                failed,
                summary.filesWithErrors() == 0
                        ? ""
                        : "; "
                                + summary.filesWithErrors()
                                + (summary.filesWithErrors() == 1
                                        ? " file with errors"
                                        : " files with errors"),
                seconds(summary.took()));
        out.flush();
        return summary;
    }

    /** Runs one file and prints its cases and summary. */
    public FileResult run(Path file) {
        out.println("Unit Testing: " + file);
        out.flush();
        long started = System.nanoTime();
        PolicyTestFile tests;
        Map<String, PolicyUpdate> policies;
        try {
            tests = PolicyTestReader.read(file);
            policies = policies(tests);
        } catch (PolicyTestException e) {
            e.errors().forEach(line -> out.println("  " + line.replace("\n", "\n  ")));
            out.printf(
                    "  FAILED: %d %s; no case ran%n%n",
                    e.errors().size(), e.errors().size() == 1 ? "error" : "errors");
            out.flush();
            return new FileResult(file.toString(), e.errors(), List.of());
        }
        List<CaseResult> results = new ArrayList<>();
        for (TestCase test : tests.tests()) {
            if (!caseFilter.test(test.name())) {
                continue;
            }
            CaseResult result = run(tests.source(), policies, test);
            print(result);
            results.add(result);
        }
        FileResult result = new FileResult(tests.source(), List.of(), results);
        out.printf(
                Locale.ROOT,
                "  %d passed, %d failed (%s)%n%n",
                results.size() - result.failedCases(),
                result.failedCases(),
                seconds(Duration.ofNanos(System.nanoTime() - started)));
        out.flush();
        return result;
    }

    private static Map<String, PolicyUpdate> policies(PolicyTestFile tests)
            throws PolicyTestException {
        Map<String, PolicyUpdate> policies = new LinkedHashMap<>();
        try {
            for (Path p : tests.policies()) {
                policies.putAll(Replay.readPolicies(p));
            }
        } catch (IllegalArgumentException e) {
            throw new PolicyTestException(List.of(e.getMessage().split("\n")));
        } catch (UncheckedIOException e) {
            throw new PolicyTestException(
                    List.of(tests.source() + ": cannot read a policy file: " + e.getMessage()));
        }
        return policies;
    }

    /** Runs one case; never throws. */
    CaseResult run(String source, Map<String, PolicyUpdate> policies, TestCase test) {
        long started = System.nanoTime();
        Replay.Result result;
        try {
            List<SourceRecord> records = CaseInput.records(source, test);
            result = new Replay(settings).run(environments.get(), policies, records);
        } catch (Exception | LinkageError e) {
            return new CaseResult(
                    test.name(),
                    Outcome.ERROR,
                    Duration.ofNanos(System.nanoTime() - started),
                    List.of(),
                    List.of(),
                    List.of("the replay failed: " + rootCause(e)));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        List<Emitted> emitted =
                ActionMatcher.sorted(result.actions().stream().map(Emitted::of).toList());
        List<String> diff = ActionMatcher.diff(test.actions(), emitted);
        if (diff.isEmpty()) {
            return new CaseResult(test.name(), Outcome.PASS, took, emitted, diff, List.of());
        }
        List<String> report = new ArrayList<>();
        report.add("expected:" + (test.actions().isEmpty() ? " none" : ""));
        for (ExpectedAction x : test.actions()) {
            report.add("  " + ActionMatcher.describe(x));
        }
        report.add("got:" + (emitted.isEmpty() ? " none" : ""));
        for (Emitted g : emitted) {
            report.add("  " + g.describe());
        }
        report.add("diff:");
        diff.forEach(d -> report.add("  " + d));
        report.addAll(notes(test, result.findings()));
        for (Emitted g : emitted) {
            if (test.actions().stream().noneMatch(x -> ActionMatcher.matches(x, g))) {
                report.add("evidence of " + g.describe() + ": " + evidence(g.evidence()));
            }
        }
        return new CaseResult(test.name(), Outcome.FAIL, took, emitted, diff, report);
    }

    /**
     * Findings that were suppressed for an expected policy and target, often why an action is
     * missing or late: one note per policy, target and reason.
     */
    private static List<String> notes(TestCase test, List<Finding> findings) {
        Map<String, List<String>> times = new LinkedHashMap<>();
        for (Finding f : findings) {
            if (f.suppressed() == null) {
                continue;
            }
            boolean expected =
                    test.actions().stream()
                            .anyMatch(
                                    x ->
                                            x.policy().equals(f.policy())
                                                    && x.target().equals(f.target().id()));
            if (expected) {
                times.computeIfAbsent(
                                f.policy()
                                        + " "
                                        + f.target().id()
                                        + ": suppressed ("
                                        + f.suppressed()
                                        + ")",
                                k -> new ArrayList<>())
                        .add(PolicyTests.offset(f.detectedAt()));
            }
        }
        List<String> notes = new ArrayList<>();
        times.forEach(
                (what, at) ->
                        notes.add(
                                "note: "
                                        + what
                                        + " "
                                        + at.size()
                                        + (at.size() == 1 ? " finding at " : " findings at ")
                                        + (at.size() <= 4
                                                ? String.join(", ", at)
                                                : String.join(", ", at.subList(0, 3))
                                                        + ", ..., "
                                                        + at.get(at.size() - 1))));
        return notes;
    }

    /**
     * The evidence in one line: {@code slope=5.333e+05, points=25, lastPointAt=6m, ...}; times
     * (keys ending in {@code At}) as offsets from the start.
     */
    static String evidence(Map<String, Object> evidence) {
        List<String> parts = new ArrayList<>();
        evidence.forEach((k, v) -> parts.add(k + "=" + evidenceValue(k, v)));
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    private static String evidenceValue(String key, Object v) {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (key.endsWith("At") && d > 1e12) {
                return PolicyTests.offset(Instant.ofEpochMilli((long) d));
            }
            if (d == Math.rint(d) && Math.abs(d) < 1e9) {
                return Long.toString((long) d);
            }
            return String.format(Locale.ROOT, "%.4g", d);
        }
        if (v instanceof String s && key.endsWith("At")) {
            try {
                return PolicyTests.offset(Instant.parse(s));
            } catch (DateTimeParseException e) {
                return s;
            }
        }
        return String.valueOf(v);
    }

    private void print(CaseResult r) {
        switch (r.outcome()) {
            case PASS -> out.printf("  PASS %s (%s)%n", r.name(), seconds(r.took()));
            case FAIL -> out.printf("  FAIL %s (%s)%n", r.name(), seconds(r.took()));
            case ERROR -> out.printf("  ERROR %s (%s)%n", r.name(), seconds(r.took()));
        }
        r.report().forEach(line -> out.println("    " + line));
        if (verbose && r.passed()) {
            r.emitted().forEach(g -> out.println("    got: " + g.describe()));
        }
        out.flush();
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null
                ? t.getClass().getName()
                : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }
}

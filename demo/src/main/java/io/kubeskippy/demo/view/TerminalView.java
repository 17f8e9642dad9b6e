package io.kubeskippy.demo.view;

import io.kubeskippy.demo.cluster.AppSnapshot;
import io.kubeskippy.demo.observe.AppTargets;
import io.kubeskippy.demo.observe.DemoSummary;
import io.kubeskippy.demo.observe.LoopSnapshot;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The demo's live view: one row per app (memory and CPU sparklines, findings, actions, outcomes,
 * OOM kills, time to heal) and the loop overall (actions, blocked, LLM status, recent actions). On
 * a terminal it redraws in place with ANSI escapes; otherwise it prints one plain block each time
 * it is asked to.
 */
public final class TerminalView {

    /** Everything the view shows, at one moment. */
    public record Status(
            List<AppSnapshot> apps,
            LoopSnapshot loop,
            Duration running,
            Duration loopUp,
            Duration remaining,
            String jobState,
            URI flink,
            Optional<URI> prometheus,
            String llm,
            String cluster) {}

    private static final String HOME = "\033[H";
    private static final String CLEAR_SCREEN = "\033[2J";
    private static final String CLEAR_LINE = "\033[K";
    private static final String CLEAR_BELOW = "\033[J";
    private static final int SPARK = 24;
    private static final double MIB = 1024.0 * 1024.0;

    private final PrintWriter out;
    private final boolean ansi;
    private boolean cleared;

    /**
     * @param ansi redraw in place (stdout is a terminal); else plain blocks
     */
    public TerminalView(PrintWriter out, boolean ansi) {
        this.out = out;
        this.ansi = ansi;
    }

    /** Draws the status: in place on a terminal, as a new block otherwise. */
    public void show(Status status) {
        List<String> lines = render(status);
        StringBuilder b = new StringBuilder();
        if (ansi) {
            if (!cleared) {
                b.append(HOME).append(CLEAR_SCREEN);
                cleared = true;
            }
            b.append(HOME);
            for (String line : lines) {
                b.append(line).append(CLEAR_LINE).append('\n');
            }
            b.append(CLEAR_BELOW);
        } else {
            for (String line : lines) {
                b.append(line).append('\n');
            }
            b.append('\n');
        }
        out.print(b);
        out.flush();
    }

    /** The view as lines of text, without escapes. */
    public static List<String> render(Status s) {
        List<String> lines = new ArrayList<>();
        StringBuilder head =
                new StringBuilder("KubeSkippy demo · running ").append(fmt(s.running()));
        if (s.loopUp() != null) {
            head.append(" · all parts running after ")
                    .append(String.format(Locale.ROOT, "%.1f s", s.loopUp().toMillis() / 1000.0));
        }
        if (s.remaining() != null) {
            head.append(" · ends in ").append(fmt(s.remaining()));
        }
        lines.add(head.toString());
        lines.add(
                "cluster: "
                        + s.cluster()
                        + " · Flink job "
                        + s.jobState()
                        + " "
                        + s.flink()
                        + s.prometheus().map(p -> " · Prometheus " + p).orElse(""));
        lines.add("");
        LoopSnapshot loop = s.loop();
        if (s.apps() != null) {
            lines.add(
                    String.format(
                            Locale.ROOT,
                            "%-30s %-9s %-5s %-34s %-31s %5s %4s %-17s %4s %5s %5s",
                            "APP",
                            "ROLE",
                            "PODS",
                            "MEMORY / LIMIT",
                            "CPU (cores)",
                            "FIND",
                            "ACT",
                            "OUTCOMES",
                            "OOM",
                            "SAVED",
                            "HEAL"));
            for (AppSnapshot app : s.apps()) {
                List<LoopSnapshot.TargetTally> mine = AppTargets.of(app, loop.targets(), s.apps());
                lines.add(appRow(app, mine));
            }
        } else {
            lines.add(
                    String.format(
                            Locale.ROOT,
                            "%-60s %5s %4s %-17s %5s",
                            "TARGET",
                            "FIND",
                            "ACT",
                            "OUTCOMES",
                            "HEAL"));
            for (LoopSnapshot.TargetTally t : loop.targets()) {
                lines.add(
                        String.format(
                                Locale.ROOT,
                                "%-60s %5d %4d %-17s %5s",
                                cut(t.kind() + " " + t.namespace() + "/" + t.name(), 60),
                                t.findings(),
                                t.actions(),
                                outcomes(t.outcomes()),
                                heal(t.healSeconds())));
            }
            if (loop.targets().isEmpty()) {
                lines.add("(no finding yet)");
            }
        }
        lines.add("");
        DemoSummary now = DemoSummary.of(loop, s.apps(), s.running(), s.loopUp(), s.llm());
        int blocked = loop.outcomesByPhase().getOrDefault("Blocked", 0);
        int dry = loop.outcomesByPhase().getOrDefault("DryRun", 0);
        int ok = loop.outcomesByPhase().getOrDefault("Succeeded", 0);
        lines.add(
                "actions "
                        + loop.actions()
                        + counts(loop.actionsByType())
                        + " · succeeded "
                        + ok
                        + " · blocked "
                        + blocked
                        + counts(loop.blockedByReason())
                        + " · dry-run "
                        + dry
                        + " · findings "
                        + loop.findings()
                        + " ("
                        + loop.suppressedFindings()
                        + " suppressed)");
        StringBuilder result = new StringBuilder();
        if (now.oomKills() != null) {
            result.append("OOM kills ")
                    .append(now.oomKills())
                    .append(", prevented ")
                    .append(now.oomKillsPrevented())
                    .append(" · actions on controls ")
                    .append(now.actionsOnControls())
                    .append(", on protected ")
                    .append(now.actionsOnProtected())
                    .append(" · ");
        }
        result.append("mean time to heal ")
                .append(now.meanTimeToHealSec() == null ? "-" : now.meanTimeToHealSec() + " s")
                .append(" · p99 detection latency ")
                .append(
                        now.p99DetectionLatencyMs() == null
                                ? "-"
                                : now.p99DetectionLatencyMs() + " ms");
        lines.add(result.toString());
        String llm =
                s.llm().equals("rule-only")
                        ? "LLM: rule-only (no --llm-url): actions come from the policies alone"
                        : "LLM: "
                                + s.llm()
                                + " · replies "
                                + loop.llmReplies()
                                + " · fallbacks to rules "
                                + loop.llmFallbacks();
        lines.add(llm);
        lines.add("");
        lines.add("recent actions and outcomes:");
        if (loop.recent().isEmpty()) {
            lines.add("  (none yet)");
        }
        for (String r : loop.recent()) {
            lines.add("  " + cut(r, 140));
        }
        return lines;
    }

    private static String appRow(AppSnapshot app, List<LoopSnapshot.TargetTally> mine) {
        int findings = 0;
        int actions = 0;
        List<Double> heals = new ArrayList<>();
        java.util.TreeMap<String, Integer> outcomes = new java.util.TreeMap<>();
        for (LoopSnapshot.TargetTally t : mine) {
            findings += t.findings();
            actions += t.actions();
            heals.addAll(t.healSeconds());
            t.outcomes().forEach((k, v) -> outcomes.merge(k, v, Integer::sum));
        }
        double limit = app.memoryLimitBytes();
        List<Double> memory = app.memoryBytes();
        double lastMemory = memory.isEmpty() ? 0 : memory.get(memory.size() - 1);
        List<Double> cpu = app.cpuCores();
        double lastCpu = cpu.isEmpty() ? 0 : cpu.get(cpu.size() - 1);
        double cpuMax = 0.1;
        for (double c : cpu) {
            cpuMax = Math.max(cpuMax, c);
        }
        String mem =
                Sparkline.of(memory, 0, limit > 0 ? limit : 1, SPARK)
                        + String.format(
                                Locale.ROOT, " %3.0f/%3.0fMi", lastMemory / MIB, limit / MIB);
        String cpuText =
                Sparkline.of(cpu, 0, cpuMax, SPARK) + String.format(Locale.ROOT, " %5.2f", lastCpu);
        return String.format(
                Locale.ROOT,
                "%-30s %-9s %-5s %-34s %-31s %5d %4d %-17s %4d %5d %5s",
                cut(app.name(), 30),
                app.role().name().toLowerCase(Locale.ROOT),
                app.readyPods() + "/" + app.desiredReplicas(),
                mem,
                cpuText,
                findings,
                actions,
                outcomes(outcomes),
                app.oomKills(),
                app.oomKillsPrevented(),
                heal(heals));
    }

    private static String outcomes(Map<String, Integer> outcomes) {
        if (outcomes.isEmpty()) {
            return "-";
        }
        StringJoiner j = new StringJoiner(" ");
        outcomes.forEach((phase, n) -> j.add(n + " " + shortPhase(phase)));
        return cut(j.toString(), 17);
    }

    private static String shortPhase(String phase) {
        return switch (phase) {
            case "Succeeded" -> "ok";
            case "Blocked" -> "blocked";
            case "DryRun" -> "dry";
            case "Failed" -> "failed";
            case "Duplicate" -> "dup";
            case "AwaitingApproval" -> "wait";
            default -> phase;
        };
    }

    private static String heal(List<Double> seconds) {
        if (seconds.isEmpty()) {
            return "-";
        }
        double sum = 0;
        for (double s : seconds) {
            sum += s;
        }
        return String.format(Locale.ROOT, "%.0fs", sum / seconds.size());
    }

    private static String counts(Map<String, Integer> counts) {
        if (counts.isEmpty()) {
            return "";
        }
        StringJoiner j = new StringJoiner(", ", " (", ")");
        counts.forEach((k, v) -> j.add(k + " " + v));
        return j.toString();
    }

    static String fmt(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s >= 60
                ? (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s"
                : s + "s";
    }

    private static String cut(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }
}

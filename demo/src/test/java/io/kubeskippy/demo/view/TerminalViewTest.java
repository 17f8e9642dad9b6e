package io.kubeskippy.demo.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.demo.cluster.AppRole;
import io.kubeskippy.demo.cluster.AppSnapshot;
import io.kubeskippy.demo.observe.LoopSnapshot;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TerminalViewTest {

    static final double MIB = 1024 * 1024;

    static TerminalView.Status status() {
        AppSnapshot leak =
                new AppSnapshot(
                        "memory-leak-app",
                        "demo",
                        AppRole.FAULTY,
                        "leak",
                        1,
                        1,
                        List.of(64 * MIB, 128 * MIB, 192 * MIB, 256 * MIB),
                        List.of(0.1, 0.2),
                        256L << 20,
                        0,
                        0,
                        1,
                        1);
        LoopSnapshot loop =
                new LoopSnapshot(
                        List.of(
                                new LoopSnapshot.TargetTally(
                                        "Deployment",
                                        "demo",
                                        "memory-leak-app",
                                        2,
                                        1,
                                        1,
                                        Map.of("Succeeded", 1),
                                        List.of(41.0))),
                        3,
                        1,
                        1,
                        Map.of("restart", 1),
                        Map.of("Succeeded", 1),
                        Map.of(),
                        List.of(1200L),
                        List.of(41.0),
                        0,
                        0,
                        List.of(),
                        List.of("10:00:00 Succeeded x on Deployment demo/memory-leak-app"),
                        0);
        return new TerminalView.Status(
                List.of(leak),
                loop,
                Duration.ofSeconds(75),
                Duration.ofMillis(23_200),
                Duration.ofMinutes(2),
                "RUNNING",
                URI.create("http://127.0.0.1:8081"),
                Optional.empty(),
                "rule-only",
                "simulated (demo)");
    }

    @Test
    void rendersOneRowPerAppAndTheLoopOverall() {
        String text = String.join("\n", TerminalView.render(status()));
        assertThat(text)
                .contains("running 1m15s", "all parts running after 23.2 s", "ends in 2m00s")
                .contains("Flink job RUNNING http://127.0.0.1:8081")
                .containsPattern("memory-leak-app +faulty +1/1 +▃▅▇█ 256/256Mi")
                .contains("1 ok")
                .contains("41s")
                .contains("OOM kills 0, prevented 1")
                .contains("p99 detection latency 1200 ms")
                .contains("LLM: rule-only");
    }

    @Test
    void redrawsInPlaceOnATerminalAndPrintsBlocksOtherwise() {
        StringWriter tty = new StringWriter();
        TerminalView ansi = new TerminalView(new PrintWriter(tty), true);
        ansi.show(status());
        ansi.show(status());
        assertThat(tty.toString()).startsWith("\033[H\033[2J\033[H").contains("\033[K\n");
        assertThat(tty.toString().split("\033\\[2J", -1)).hasSize(2);

        StringWriter plain = new StringWriter();
        new TerminalView(new PrintWriter(plain), false).show(status());
        assertThat(plain.toString()).doesNotContain("\033").contains("memory-leak-app");
    }

    @Test
    void sparklineScalesToTheRangeAndPadsOnTheLeft() {
        assertThat(Sparkline.of(List.of(0.0, 50.0, 100.0, 200.0), 0, 100, 6)).isEqualTo("  ▁▅██");
        assertThat(Sparkline.of(List.of(1.0, 2.0, 3.0), 0, 3, 2)).hasSize(2);
    }
}

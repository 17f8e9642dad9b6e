package io.kubeskippy.job.feature;

import static io.kubeskippy.job.feature.Series.m;
import static io.kubeskippy.job.feature.Series.s;
import static io.kubeskippy.job.feature.Series.t0Plus;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Points after a container (re)start are within the grace; restarts are recognised. */
class StartupGraceTest {

    private static final long TWO_MINUTES = m(2).toMillis();

    @Test
    void pointsWithinTheGraceAfterAStartAreInGrace() {
        StartupGrace grace = new StartupGrace(TWO_MINUTES);
        grace.observeStart(t0Plus(m(10)));

        assertThat(grace.inGrace(t0Plus(m(9)))).isFalse();
        assertThat(grace.inGrace(t0Plus(m(10)))).isTrue();
        assertThat(grace.inGrace(t0Plus(s(719)))).isTrue();
        assertThat(grace.inGrace(t0Plus(m(12)))).isFalse();
    }

    @Test
    void aStepBucketThatStraddlesTheStartOverlapsTheGrace() {
        StartupGrace grace = new StartupGrace(TWO_MINUTES);
        grace.observeStart(t0Plus(s(615)));

        assertThat(grace.overlapsGrace(t0Plus(s(600)), t0Plus(s(630)))).isTrue();
        assertThat(grace.overlapsGrace(t0Plus(s(570)), t0Plus(s(600)))).isFalse();
        assertThat(grace.overlapsGrace(t0Plus(s(720)), t0Plus(s(750)))).isTrue();
        assertThat(grace.overlapsGrace(t0Plus(s(735)), t0Plus(s(765)))).isFalse();
    }

    @Test
    void onlyALaterStartIsARestart() {
        StartupGrace grace = new StartupGrace(TWO_MINUTES);

        assertThat(grace.observeStart(t0Plus(m(0)))).isTrue();
        assertThat(grace.observeStart(t0Plus(m(0)))).isFalse(); // reported again
        assertThat(grace.observeStart(t0Plus(m(30)))).isTrue();
        assertThat(grace.observeStart(t0Plus(m(20)))).isFalse(); // a late report of an older one
        assertThat(grace.inGrace(t0Plus(m(21)))).isTrue(); // still remembered
        assertThat(grace.latestStart()).isEqualTo(t0Plus(m(30)));
    }

    @Test
    void remembersTheFourMostRecentStarts() {
        StartupGrace grace = new StartupGrace(TWO_MINUTES);
        for (int i = 0; i < 6; i++) {
            grace.observeStart(t0Plus(m(10L * i)));
        }

        assertThat(grace.inGrace(t0Plus(m(10)))).isFalse(); // forgotten
        assertThat(grace.inGrace(t0Plus(m(20)))).isTrue();
        assertThat(grace.inGrace(t0Plus(m(50)))).isTrue();
        assertThat(grace.observeStart(t0Plus(m(5)))).isFalse(); // older than all kept: ignored
        assertThat(grace.inGrace(t0Plus(m(5)))).isFalse();
    }

    @Test
    void zeroGraceSkipsNothing() {
        StartupGrace grace = new StartupGrace(0);
        grace.observeStart(t0Plus(m(10)));

        assertThat(grace.inGrace(t0Plus(m(10)))).isFalse();
        assertThat(grace.overlapsGrace(t0Plus(s(590)), t0Plus(s(620)))).isFalse();
    }

    @Test
    void snapshotRestoresTheStarts() throws IOException {
        StartupGrace original = new StartupGrace(TWO_MINUTES);
        for (int i = 0; i < 5; i++) {
            original.observeStart(t0Plus(m(10L * i)));
        }

        byte[] bytes = Snapshots.bytes(original::writeTo);
        StartupGrace restored = Snapshots.read(bytes, StartupGrace::readFrom);

        assertThat(bytes)
                .hasSize(original.serializedSize())
                .hasSize(StartupGrace.MAX_SERIALIZED_BYTES);
        assertThat(Snapshots.bytes(restored::writeTo)).isEqualTo(bytes);
        assertThat(restored.latestStart()).isEqualTo(t0Plus(m(40)));
        assertThat(restored.observeStart(t0Plus(m(40)))).isFalse();
    }
}

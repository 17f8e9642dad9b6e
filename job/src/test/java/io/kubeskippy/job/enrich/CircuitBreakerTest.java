package io.kubeskippy.job.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private final AtomicLong now = new AtomicLong();
    private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(30), now::get);

    private void after(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void opensAfterConsecutiveFailuresOnly() {
        breaker.onFailure("HTTP 500");
        breaker.onFailure("HTTP 500");
        breaker.onSuccess();
        breaker.onFailure("HTTP 500");
        breaker.onFailure("HTTP 500");
        assertThat(breaker.tryAcquire().allowed()).isTrue();

        breaker.onFailure("HTTP 503");

        CircuitBreaker.Permit p = breaker.tryAcquire();
        assertThat(p.allowed()).isFalse();
        assertThat(p.reason())
                .isEqualTo(
                        "LLM skipped: circuit breaker open after 3 consecutive failures (last: HTTP"
                                + " 503); next trial in 30000 ms");
    }

    @Test
    void letsOneTrialThroughAfterTheCoolOffAndClosesOnItsSuccess() {
        for (int i = 0; i < 3; i++) {
            breaker.onFailure("timeout");
        }
        after(Duration.ofSeconds(29));
        assertThat(breaker.tryAcquire().allowed()).isFalse();
        after(Duration.ofSeconds(1));

        assertThat(breaker.tryAcquire().allowed()).as("the trial").isTrue();
        assertThat(breaker.tryAcquire().allowed()).as("while the trial is in flight").isFalse();
        breaker.onSuccess();

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.tryAcquire().allowed()).isTrue();
    }

    @Test
    void aFailedTrialOpensItAgainForAWholeCoolOff() {
        for (int i = 0; i < 3; i++) {
            breaker.onFailure("timeout");
        }
        after(Duration.ofSeconds(30));
        assertThat(breaker.tryAcquire().allowed()).isTrue();

        breaker.onFailure("HTTP 500");

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        after(Duration.ofSeconds(29));
        assertThat(breaker.tryAcquire().allowed()).isFalse();
        after(Duration.ofSeconds(1));
        assertThat(breaker.tryAcquire().allowed()).isTrue();
    }
}

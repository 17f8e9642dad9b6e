package io.kubeskippy.job.feature;

/**
 * Whether a trend trigger fires on one analysis, and if not, why.
 *
 * @param fires true if the trigger matched
 * @param reason null when it fires; otherwise a short stable reason (one of the {@code
 *     GrowthCriteria} or {@code OscillationCriteria} constants) the job records and counts
 * @param detail the numbers behind the decision, for logs and the Finding
 */
public record TrendDecision(boolean fires, String reason, String detail) {

    public TrendDecision {
        if (fires == (reason != null)) {
            throw new IllegalArgumentException(
                    fires ? "a firing decision has no reason" : "a held decision needs a reason");
        }
        detail = detail == null ? "" : detail;
    }

    static TrendDecision fire(String detail) {
        return new TrendDecision(true, null, detail);
    }

    static TrendDecision hold(String reason, String detail) {
        return new TrendDecision(false, reason, detail);
    }

    @Override
    public String toString() {
        return (fires ? "fires" : "holds: " + reason)
                + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}

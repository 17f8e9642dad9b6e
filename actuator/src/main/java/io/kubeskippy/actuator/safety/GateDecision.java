package io.kubeskippy.actuator.safety;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What the gate decided, and why: every reason that blocks (the first is the main one), and notes
 * that explain a dry run or a wait for approval.
 */
public record GateDecision(Verdict verdict, List<Reason> reasons, List<String> notes) {

    /** What happens to the action. */
    public enum Verdict {
        /** Execute it. */
        PROCEED,
        /** Plan it and record the changes, change nothing. */
        DRY_RUN,
        /** Wait until a human approves or rejects it. */
        AWAIT_APPROVAL,
        /** Never execute it. */
        BLOCK
    }

    /** One rule that blocks, with the words that say how. */
    public record Reason(BlockReason code, String message) {}

    public GateDecision {
        reasons = List.copyOf(reasons);
        notes = List.copyOf(notes);
        if (verdict == Verdict.BLOCK && reasons.isEmpty()) {
            throw new IllegalArgumentException("a block needs a reason");
        }
    }

    public static GateDecision block(List<Reason> reasons) {
        return new GateDecision(Verdict.BLOCK, reasons, List.of());
    }

    public static GateDecision block(BlockReason code, String message) {
        return block(List.of(new Reason(code, message)));
    }

    public boolean blocked() {
        return verdict == Verdict.BLOCK;
    }

    /** The main reason a block has; null otherwise. */
    public BlockReason code() {
        return reasons.isEmpty() ? null : reasons.get(0).code();
    }

    public boolean has(BlockReason code) {
        return reasons.stream().anyMatch(r -> r.code() == code);
    }

    /** Every reason and note in one line. */
    public String message() {
        String blocks = reasons.stream().map(Reason::message).collect(Collectors.joining("; "));
        String extra = String.join("; ", notes);
        if (blocks.isEmpty()) {
            return extra;
        }
        return extra.isEmpty() ? blocks : blocks + "; " + extra;
    }
}

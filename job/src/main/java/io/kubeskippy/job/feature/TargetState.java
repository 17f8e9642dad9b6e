package io.kubeskippy.job.feature;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * All feature state of one target, in one state value so a sample costs one state lookup however
 * many triggers it feeds: a {@link TriggerState} per trigger ref ({@code policy|version|index}),
 * and the target's two timers: the idle timer and the earliest flush timer set.
 *
 * <p>Serialized size: {@value #HEADER_BYTES} bytes + per trigger its ref (2 + its length) and its
 * {@link TriggerState#serializedSize()}.
 */
public final class TargetState {

    static final int FORMAT_VERSION = 1;

    /** version, idle timer, flush timer, trigger count. */
    public static final int HEADER_BYTES = 1 + 8 + 8 + 2;

    private static final long NONE = Long.MIN_VALUE;

    /** By trigger ref, in the order they first had input. */
    final Map<String, TriggerState> triggers = new LinkedHashMap<>(4);

    /** When the idle timer fires, {@link Long#MIN_VALUE} if none is set. */
    long idleTimer = NONE;

    /**
     * The earliest flush timer set and not yet fired, {@link Long#MIN_VALUE} if none: a flush time
     * earlier than it needs a timer of its own, a later one waits for it.
     */
    long flushTimer = NONE;

    public TargetState() {}

    boolean idleTimerSet() {
        return idleTimer != NONE;
    }

    boolean flushTimerSet() {
        return flushTimer != NONE;
    }

    void clearFlushTimer() {
        flushTimer = NONE;
    }

    public Map<String, TriggerState> triggers() {
        return triggers;
    }

    public int serializedSize() {
        int size = HEADER_BYTES;
        for (Map.Entry<String, TriggerState> e : triggers.entrySet()) {
            size += 2 + e.getKey().length() + e.getValue().serializedSize();
        }
        return size;
    }

    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(FORMAT_VERSION);
        out.writeLong(idleTimer);
        out.writeLong(flushTimer);
        out.writeShort(triggers.size());
        for (Map.Entry<String, TriggerState> e : triggers.entrySet()) {
            out.writeUTF(e.getKey());
            e.getValue().writeTo(out);
        }
    }

    public static TargetState readFrom(DataInput in) throws IOException {
        StateIo.readVersion(in, FORMAT_VERSION, "TargetState");
        TargetState s = new TargetState();
        s.idleTimer = in.readLong();
        s.flushTimer = in.readLong();
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
            String ref = in.readUTF();
            StateIo.check(
                    s.triggers.put(ref, TriggerState.readFrom(in)) == null,
                    "TargetState",
                    "trigger " + ref + " twice");
        }
        return s;
    }

    @Override
    public String toString() {
        return "TargetState{idleTimer="
                + idleTimer
                + ", flushTimer="
                + flushTimer
                + ", "
                + triggers
                + "}";
    }
}

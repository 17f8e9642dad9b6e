package io.kubeskippy.job.source;

import io.kubeskippy.job.enrich.ContextFact;
import io.kubeskippy.job.pattern.PolicyUpdate;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/** The field-by-field formats of {@link RecordTypeInfo}'s records; strings may be null. */
final class RecordCodecs {

    private RecordCodecs() {}

    private static final int NULL = -1;

    static final RecordTypeInfo.Codec<SourceRecord> SOURCE_RECORD =
            new RecordTypeInfo.Codec<>() {
                @Override
                public void write(SourceRecord r, DataOutputView out) throws IOException {
                    if (r.input != null) {
                        out.writeByte(0);
                        POD_INPUT.write(r.input, out);
                    } else if (r.policy != null) {
                        out.writeByte(1);
                        writePolicy(r.policy, out);
                    } else {
                        out.writeByte(2);
                        StringValue.writeString(r.deadLetter, out);
                    }
                }

                @Override
                public SourceRecord read(DataInputView in) throws IOException {
                    SourceRecord r = new SourceRecord();
                    switch (in.readByte()) {
                        case 0 -> r.input = POD_INPUT.read(in);
                        case 1 -> r.policy = readPolicy(in);
                        case 2 -> r.deadLetter = StringValue.readString(in);
                        default -> throw new IOException("corrupt SourceRecord");
                    }
                    return r;
                }
            };

    static final RecordTypeInfo.Codec<PodInput> POD_INPUT =
            new RecordTypeInfo.Codec<>() {
                @Override
                public void write(PodInput r, DataOutputView out) throws IOException {
                    out.writeByte(r.kind == null ? NULL : r.kind.ordinal());
                    StringValue.writeString(r.key, out);
                    out.writeLong(r.timestampMs);
                    StringValue.writeString(r.metric, out);
                    writeMap(r.labels, out);
                    out.writeDouble(r.value);
                    writeOptionalPod(r.pod, out);
                    StringValue.writeString(r.reason, out);
                    StringValue.writeString(r.type, out);
                    StringValue.writeString(r.involvedKind, out);
                    StringValue.writeString(r.involvedName, out);
                    StringValue.writeString(r.namespace, out);
                }

                @Override
                public PodInput read(DataInputView in) throws IOException {
                    PodInput r = new PodInput();
                    int kind = in.readByte();
                    r.kind = kind == NULL ? null : PodInput.Kind.values()[kind];
                    r.key = StringValue.readString(in);
                    r.timestampMs = in.readLong();
                    r.metric = StringValue.readString(in);
                    r.labels = readMap(in);
                    r.value = in.readDouble();
                    r.pod = readOptionalPod(in);
                    r.reason = StringValue.readString(in);
                    r.type = StringValue.readString(in);
                    r.involvedKind = StringValue.readString(in);
                    r.involvedName = StringValue.readString(in);
                    r.namespace = StringValue.readString(in);
                    return r;
                }
            };

    static final RecordTypeInfo.Codec<TriggerInput> TRIGGER_INPUT =
            new RecordTypeInfo.Codec<>() {
                @Override
                public void write(TriggerInput r, DataOutputView out) throws IOException {
                    StringValue.writeString(r.key, out);
                    StringValue.writeString(r.refs, out);
                    out.writeByte(r.kind == null ? NULL : r.kind.ordinal());
                    out.writeLong(r.timestampMs);
                    out.writeDouble(r.value);
                    out.writeDouble(r.memoryLimit);
                    out.writeDouble(r.cpuLimit);
                    out.writeBoolean(r.resetOnStart);
                    StringValue.writeString(r.reason, out);
                    StringValue.writeString(r.type, out);
                    StringValue.writeString(r.status, out);
                }

                @Override
                public TriggerInput read(DataInputView in) throws IOException {
                    TriggerInput r = new TriggerInput();
                    r.key = StringValue.readString(in);
                    r.refs = StringValue.readString(in);
                    int kind = in.readByte();
                    r.kind = kind == NULL ? null : TriggerInput.Kind.values()[kind];
                    r.timestampMs = in.readLong();
                    r.value = in.readDouble();
                    r.memoryLimit = in.readDouble();
                    r.cpuLimit = in.readDouble();
                    r.resetOnStart = in.readBoolean();
                    r.reason = StringValue.readString(in);
                    r.type = StringValue.readString(in);
                    r.status = StringValue.readString(in);
                    return r;
                }
            };

    static final RecordTypeInfo.Codec<ContextFact> CONTEXT_FACT =
            new RecordTypeInfo.Codec<>() {
                @Override
                public void write(ContextFact r, DataOutputView out) throws IOException {
                    StringValue.writeString(r.target, out);
                    out.writeByte(r.kind == null ? NULL : r.kind.ordinal());
                    out.writeLong(r.timestampMs);
                    StringValue.writeString(r.object, out);
                    writeOptionalPod(r.pod, out);
                    StringValue.writeString(r.reason, out);
                    StringValue.writeString(r.type, out);
                }

                @Override
                public ContextFact read(DataInputView in) throws IOException {
                    ContextFact r = new ContextFact();
                    r.target = StringValue.readString(in);
                    int kind = in.readByte();
                    r.kind = kind == NULL ? null : ContextFact.Kind.values()[kind];
                    r.timestampMs = in.readLong();
                    r.object = StringValue.readString(in);
                    r.pod = readOptionalPod(in);
                    r.reason = StringValue.readString(in);
                    r.type = StringValue.readString(in);
                    return r;
                }
            };

    private static void writePolicy(PolicyUpdate p, DataOutputView out) throws IOException {
        StringValue.writeString(p.name, out);
        StringValue.writeString(p.version, out);
        StringValue.writeString(p.document, out);
        out.writeLong(p.receivedAtMs);
    }

    private static PolicyUpdate readPolicy(DataInputView in) throws IOException {
        PolicyUpdate p = new PolicyUpdate();
        p.name = StringValue.readString(in);
        p.version = StringValue.readString(in);
        p.document = StringValue.readString(in);
        p.receivedAtMs = in.readLong();
        return p;
    }

    private static void writeOptionalPod(PodState p, DataOutputView out) throws IOException {
        out.writeBoolean(p != null);
        if (p != null) {
            writePod(p, out);
        }
    }

    private static PodState readOptionalPod(DataInputView in) throws IOException {
        return in.readBoolean() ? readPod(in) : null;
    }

    private static void writePod(PodState p, DataOutputView out) throws IOException {
        StringValue.writeString(p.namespace, out);
        StringValue.writeString(p.name, out);
        StringValue.writeString(p.uid, out);
        writeMap(p.labels, out);
        writeMap(p.annotations, out);
        StringValue.writeString(p.workloadKind, out);
        StringValue.writeString(p.workloadName, out);
        StringValue.writeString(p.phase, out);
        out.writeLong(p.startTimeMs);
        out.writeLong(p.observedAtMs);
        out.writeBoolean(p.deleted);
        out.writeInt(p.containers == null ? NULL : p.containers.size());
        if (p.containers != null) {
            for (ContainerState c : p.containers) {
                StringValue.writeString(c.name, out);
                out.writeLong(c.memoryLimitBytes);
                out.writeLong(c.memoryRequestBytes);
                out.writeDouble(c.cpuLimitCores);
                out.writeDouble(c.cpuRequestCores);
                out.writeInt(c.restartCount);
                out.writeLong(c.startedAtMs);
                out.writeBoolean(c.ready);
                StringValue.writeString(c.waitingReason, out);
                StringValue.writeString(c.lastTerminatedReason, out);
                out.writeLong(c.lastTerminatedAtMs);
            }
        }
        writeMap(p.conditions, out);
        out.writeInt(p.conditionSinceMs == null ? NULL : p.conditionSinceMs.size());
        if (p.conditionSinceMs != null) {
            for (Map.Entry<String, Long> e : p.conditionSinceMs.entrySet()) {
                StringValue.writeString(e.getKey(), out);
                out.writeBoolean(e.getValue() != null);
                if (e.getValue() != null) {
                    out.writeLong(e.getValue());
                }
            }
        }
    }

    private static PodState readPod(DataInputView in) throws IOException {
        PodState p = new PodState();
        p.namespace = StringValue.readString(in);
        p.name = StringValue.readString(in);
        p.uid = StringValue.readString(in);
        p.labels = readMap(in);
        p.annotations = readMap(in);
        p.workloadKind = StringValue.readString(in);
        p.workloadName = StringValue.readString(in);
        p.phase = StringValue.readString(in);
        p.startTimeMs = in.readLong();
        p.observedAtMs = in.readLong();
        p.deleted = in.readBoolean();
        int containers = in.readInt();
        if (containers == NULL) {
            p.containers = null;
        } else {
            for (int i = 0; i < containers; i++) {
                ContainerState c = new ContainerState();
                c.name = StringValue.readString(in);
                c.memoryLimitBytes = in.readLong();
                c.memoryRequestBytes = in.readLong();
                c.cpuLimitCores = in.readDouble();
                c.cpuRequestCores = in.readDouble();
                c.restartCount = in.readInt();
                c.startedAtMs = in.readLong();
                c.ready = in.readBoolean();
                c.waitingReason = StringValue.readString(in);
                c.lastTerminatedReason = StringValue.readString(in);
                c.lastTerminatedAtMs = in.readLong();
                p.containers.add(c);
            }
        }
        p.conditions = readMap(in);
        int since = in.readInt();
        if (since == NULL) {
            p.conditionSinceMs = null;
        } else {
            for (int i = 0; i < since; i++) {
                String key = StringValue.readString(in);
                p.conditionSinceMs.put(key, in.readBoolean() ? in.readLong() : null);
            }
        }
        return p;
    }

    private static void writeMap(Map<String, String> map, DataOutputView out) throws IOException {
        out.writeInt(map == null ? NULL : map.size());
        if (map != null) {
            for (Map.Entry<String, String> e : map.entrySet()) {
                StringValue.writeString(e.getKey(), out);
                StringValue.writeString(e.getValue(), out);
            }
        }
    }

    private static Map<String, String> readMap(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n == NULL) {
            return null;
        }
        Map<String, String> map = new HashMap<>(Math.max(4, n * 2));
        for (int i = 0; i < n; i++) {
            map.put(StringValue.readString(in), StringValue.readString(in));
        }
        return map;
    }
}

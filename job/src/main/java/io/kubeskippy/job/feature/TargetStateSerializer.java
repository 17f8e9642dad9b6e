package io.kubeskippy.job.feature;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer for {@link TargetState}, through its own compact format ({@link
 * TargetState#writeTo}): on the heap backend the state stays an object; checkpoints write each
 * trigger's ref and state.
 */
public final class TargetStateSerializer extends TypeSerializerSingleton<TargetState> {

    private static final long serialVersionUID = 1L;

    public static final TargetStateSerializer INSTANCE = new TargetStateSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TargetState createInstance() {
        return null;
    }

    @Override
    public TargetState copy(TargetState from) {
        try {
            DataOutputSerializer out = new DataOutputSerializer(from.serializedSize());
            from.writeTo(out);
            return TargetState.readFrom(
                    new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy a target state", e);
        }
    }

    @Override
    public TargetState copy(TargetState from, TargetState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(TargetState state, DataOutputView target) throws IOException {
        target.writeInt(state.serializedSize());
        state.writeTo(target);
    }

    @Override
    public TargetState deserialize(DataInputView source) throws IOException {
        source.readInt();
        return TargetState.readFrom(source);
    }

    @Override
    public TargetState deserialize(TargetState reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        int length = source.readInt();
        target.writeInt(length);
        target.write(source, length);
    }

    @Override
    public TypeSerializerSnapshot<TargetState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot of the singleton serializer. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<TargetState> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}

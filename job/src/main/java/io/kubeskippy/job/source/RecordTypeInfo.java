package io.kubeskippy.job.source;

import io.kubeskippy.job.enrich.ContextFact;
import java.io.IOException;
import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Type information of a record the job sends between operators on every sample ({@link
 * SourceRecord}, {@link PodInput}, {@link TriggerInput}), or on every pod record and event of a
 * target the LLM may be asked about ({@link ContextFact}), with a hand-written serializer: field by
 * field, without the reflection and null flags of Flink's POJO serializer. The records are not
 * changed once emitted, so a copy is the record itself (chained operators pass it on as it is).
 * {@code RecordSerializersTest} fails when a field is added and not serialized.
 */
public final class RecordTypeInfo<T> extends TypeInformation<T> {

    private static final long serialVersionUID = 1L;

    private final Class<T> type;

    /** Writes and reads one record's fields. */
    interface Codec<T> extends java.io.Serializable {
        void write(T record, DataOutputView out) throws IOException;

        T read(DataInputView in) throws IOException;
    }

    RecordTypeInfo(Class<T> type) {
        this.type = type;
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return serializer();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    TypeSerializer<T> serializer() {
        if (type == SourceRecord.class) {
            return (TypeSerializer) SourceRecordSerializer.INSTANCE;
        }
        if (type == PodInput.class) {
            return (TypeSerializer) PodInputSerializer.INSTANCE;
        }
        if (type == TriggerInput.class) {
            return (TypeSerializer) TriggerInputSerializer.INSTANCE;
        }
        if (type == ContextFact.class) {
            return (TypeSerializer) ContextFactSerializer.INSTANCE;
        }
        throw new IllegalStateException("no serializer for " + type);
    }

    @Override
    public String toString() {
        return "Record<" + type.getSimpleName() + ">";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordTypeInfo<?> other && other.type.equals(type);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type);
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof RecordTypeInfo;
    }

    /** The serializer of one record type, through its {@link Codec}. */
    abstract static class RecordSerializer<T> extends TypeSerializerSingleton<T> {
        private static final long serialVersionUID = 1L;

        abstract Codec<T> codec();

        @Override
        public boolean isImmutableType() {
            return true; // not changed once emitted: see the class comment
        }

        @Override
        public T createInstance() {
            return null;
        }

        @Override
        public T copy(T from) {
            return from;
        }

        @Override
        public T copy(T from, T reuse) {
            return from;
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public void serialize(T record, DataOutputView target) throws IOException {
            codec().write(record, target);
        }

        @Override
        public T deserialize(DataInputView source) throws IOException {
            return codec().read(source);
        }

        @Override
        public T deserialize(T reuse, DataInputView source) throws IOException {
            return deserialize(source);
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            serialize(deserialize(source), target);
        }

        /** A deep copy through the serialized form, for tests. */
        T roundTrip(T record) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(256);
            serialize(record, out);
            return deserialize(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        }
    }

    /** Serializer of {@link SourceRecord}. */
    public static final class SourceRecordSerializer extends RecordSerializer<SourceRecord> {
        private static final long serialVersionUID = 1L;
        public static final SourceRecordSerializer INSTANCE = new SourceRecordSerializer();

        @Override
        Codec<SourceRecord> codec() {
            return RecordCodecs.SOURCE_RECORD;
        }

        @Override
        public TypeSerializerSnapshot<SourceRecord> snapshotConfiguration() {
            return new SourceRecordSnapshot();
        }
    }

    /** Serializer of {@link PodInput}. */
    public static final class PodInputSerializer extends RecordSerializer<PodInput> {
        private static final long serialVersionUID = 1L;
        public static final PodInputSerializer INSTANCE = new PodInputSerializer();

        @Override
        Codec<PodInput> codec() {
            return RecordCodecs.POD_INPUT;
        }

        @Override
        public TypeSerializerSnapshot<PodInput> snapshotConfiguration() {
            return new PodInputSnapshot();
        }
    }

    /** Serializer of {@link TriggerInput}. */
    public static final class TriggerInputSerializer extends RecordSerializer<TriggerInput> {
        private static final long serialVersionUID = 1L;
        public static final TriggerInputSerializer INSTANCE = new TriggerInputSerializer();

        @Override
        Codec<TriggerInput> codec() {
            return RecordCodecs.TRIGGER_INPUT;
        }

        @Override
        public TypeSerializerSnapshot<TriggerInput> snapshotConfiguration() {
            return new TriggerInputSnapshot();
        }
    }

    /** Serializer of {@link ContextFact}. */
    public static final class ContextFactSerializer extends RecordSerializer<ContextFact> {
        private static final long serialVersionUID = 1L;
        public static final ContextFactSerializer INSTANCE = new ContextFactSerializer();

        @Override
        Codec<ContextFact> codec() {
            return RecordCodecs.CONTEXT_FACT;
        }

        @Override
        public TypeSerializerSnapshot<ContextFact> snapshotConfiguration() {
            return new ContextFactSnapshot();
        }
    }

    /** Snapshot of {@link SourceRecordSerializer}. */
    public static final class SourceRecordSnapshot
            extends SimpleTypeSerializerSnapshot<SourceRecord> {
        public SourceRecordSnapshot() {
            super(() -> SourceRecordSerializer.INSTANCE);
        }
    }

    /** Snapshot of {@link PodInputSerializer}. */
    public static final class PodInputSnapshot extends SimpleTypeSerializerSnapshot<PodInput> {
        public PodInputSnapshot() {
            super(() -> PodInputSerializer.INSTANCE);
        }
    }

    /** Snapshot of {@link TriggerInputSerializer}. */
    public static final class TriggerInputSnapshot
            extends SimpleTypeSerializerSnapshot<TriggerInput> {
        public TriggerInputSnapshot() {
            super(() -> TriggerInputSerializer.INSTANCE);
        }
    }

    /** Snapshot of {@link ContextFactSerializer}. */
    public static final class ContextFactSnapshot
            extends SimpleTypeSerializerSnapshot<ContextFact> {
        public ContextFactSnapshot() {
            super(() -> ContextFactSerializer.INSTANCE);
        }
    }

    /** Type information factories, named by the records' {@code @TypeInfo} annotations. */
    public static final class SourceRecordFactory
            extends org.apache.flink.api.common.typeinfo.TypeInfoFactory<SourceRecord> {
        @Override
        public TypeInformation<SourceRecord> createTypeInfo(
                java.lang.reflect.Type t, java.util.Map<String, TypeInformation<?>> params) {
            return new RecordTypeInfo<>(SourceRecord.class);
        }
    }

    /** See {@link SourceRecordFactory}. */
    public static final class PodInputFactory
            extends org.apache.flink.api.common.typeinfo.TypeInfoFactory<PodInput> {
        @Override
        public TypeInformation<PodInput> createTypeInfo(
                java.lang.reflect.Type t, java.util.Map<String, TypeInformation<?>> params) {
            return new RecordTypeInfo<>(PodInput.class);
        }
    }

    /** See {@link SourceRecordFactory}. */
    public static final class TriggerInputFactory
            extends org.apache.flink.api.common.typeinfo.TypeInfoFactory<TriggerInput> {
        @Override
        public TypeInformation<TriggerInput> createTypeInfo(
                java.lang.reflect.Type t, java.util.Map<String, TypeInformation<?>> params) {
            return new RecordTypeInfo<>(TriggerInput.class);
        }
    }

    /** See {@link SourceRecordFactory}. */
    public static final class ContextFactFactory
            extends org.apache.flink.api.common.typeinfo.TypeInfoFactory<ContextFact> {
        @Override
        public TypeInformation<ContextFact> createTypeInfo(
                java.lang.reflect.Type t, java.util.Map<String, TypeInformation<?>> params) {
            return new RecordTypeInfo<>(ContextFact.class);
        }
    }
}

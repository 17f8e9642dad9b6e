package io.kubeskippy.job.source;

import io.kubeskippy.job.pattern.PolicyUpdate;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * What a source yields for one raw record: a pod input, a policy update, or a dead letter (as its
 * JSON, so it travels without Kryo). Exactly one field is set. Serialized by {@link
 * RecordTypeInfo}.
 */
@TypeInfo(RecordTypeInfo.SourceRecordFactory.class)
public class SourceRecord {
    public PodInput input;
    public PolicyUpdate policy;
    public String deadLetter;

    public SourceRecord() {}

    public static SourceRecord of(PodInput input) {
        SourceRecord r = new SourceRecord();
        r.input = input;
        return r;
    }

    public static SourceRecord of(PolicyUpdate policy) {
        SourceRecord r = new SourceRecord();
        r.policy = policy;
        return r;
    }

    public static SourceRecord deadLetter(String json) {
        SourceRecord r = new SourceRecord();
        r.deadLetter = json;
        return r;
    }

    /** Event time of the record (0 for dead letters and policies). */
    public long timestampMs() {
        return input != null ? input.timestampMs : 0;
    }
}

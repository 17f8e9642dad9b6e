package io.kubeskippy.job.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.job.enrich.ContextFact;
import io.kubeskippy.job.pattern.PolicyUpdate;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.junit.jupiter.api.Test;

/**
 * The hand-written serializers of the records between operators write every field: each field is
 * filled with a value of its own, and must come back. A field added to a record and not to its
 * codec fails here.
 */
class RecordSerializersTest {

    private int next;

    /** Fills every public field of {@code o} with a distinct non-default value. */
    private <T> T filled(T o) throws Exception {
        for (Field f : o.getClass().getFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            f.set(o, valueFor(f));
        }
        return o;
    }

    private Object valueFor(Field f) throws Exception {
        int n = ++next;
        Class<?> t = f.getType();
        if (t == String.class) {
            return f.getName() + "-" + n;
        } else if (t == long.class) {
            return 1_000_000L + n;
        } else if (t == int.class) {
            return 100 + n;
        } else if (t == double.class) {
            return n + 0.5;
        } else if (t == boolean.class) {
            return true;
        } else if (t.isEnum()) {
            Object[] values = t.getEnumConstants();
            return values[values.length - 1];
        } else if (t == Map.class) {
            Map<String, Object> m = new HashMap<>();
            boolean longs = f.getName().endsWith("Ms");
            m.put("k" + n, longs ? (Object) (long) n : "v" + n);
            return m;
        } else if (t == List.class) {
            List<Object> l = new ArrayList<>();
            l.add(filled(new ContainerState()));
            return l;
        } else if (t == PodState.class) {
            return filled(new PodState());
        } else if (t == PodInput.class) {
            return filled(new PodInput());
        } else if (t == PolicyUpdate.class) {
            return PolicyUpdate.of("p" + n, "v" + n, "{}", n);
        }
        throw new IllegalStateException("no test value for " + f);
    }

    /** Every public field of the two objects (recursively for records of the job) is equal. */
    private static void assertSameFields(Object expected, Object actual) throws Exception {
        assertThat(actual).isNotNull().isNotSameAs(expected);
        for (Field f : expected.getClass().getFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            Object e = f.get(expected);
            Object a = f.get(actual);
            if (e instanceof PodState || e instanceof PodInput) {
                assertSameFields(e, a);
            } else if (e instanceof List<?> list) {
                assertThat((List<?>) a).hasSameSizeAs(list);
                for (int i = 0; i < list.size(); i++) {
                    assertSameFields(list.get(i), ((List<?>) a).get(i));
                }
            } else {
                assertThat(a).as(f.getName()).isEqualTo(e);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(Class<T> type, T record) throws Exception {
        var info = TypeInformation.of(type);
        assertThat(info).isInstanceOf(RecordTypeInfo.class);
        var serializer =
                (RecordTypeInfo.RecordSerializer<T>)
                        info.createSerializer(new SerializerConfigImpl());
        return serializer.roundTrip(record);
    }

    @Test
    void triggerInputKeepsEveryField() throws Exception {
        TriggerInput in = filled(new TriggerInput());
        assertSameFields(in, roundTrip(TriggerInput.class, in));
    }

    @Test
    void podInputKeepsEveryFieldOfItAndItsPod() throws Exception {
        PodInput in = filled(new PodInput());
        assertSameFields(in, roundTrip(PodInput.class, in));
    }

    @Test
    void contextFactKeepsEveryFieldOfItAndItsPod() throws Exception {
        ContextFact fact = filled(new ContextFact());
        assertSameFields(fact, roundTrip(ContextFact.class, fact));
        ContextFact event = filled(new ContextFact());
        event.pod = null;
        assertSameFields(event, roundTrip(ContextFact.class, event));
    }

    @Test
    void sourceRecordKeepsWhicheverItHolds() throws Exception {
        SourceRecord sample = SourceRecord.of(filled(new PodInput()));
        assertSameFields(sample.input, roundTrip(SourceRecord.class, sample).input);

        PolicyUpdate policy = PolicyUpdate.of("p", "abc", "{\"x\":1}", 42);
        assertThat(roundTrip(SourceRecord.class, SourceRecord.of(policy)).policy)
                .isEqualTo(policy)
                .extracting(p -> p.receivedAtMs)
                .isEqualTo(42L);

        SourceRecord dead = SourceRecord.deadLetter("{\"reason\":\"bad\"}");
        assertThat(roundTrip(SourceRecord.class, dead).deadLetter).isEqualTo(dead.deadLetter);
    }

    @Test
    void nullsAndEmptyRecordsSurvive() throws Exception {
        TriggerInput empty = new TriggerInput();
        assertSameFields(empty, roundTrip(TriggerInput.class, empty));
        PodInput sparse = new PodInput();
        sparse.labels = null;
        assertSameFields(sparse, roundTrip(PodInput.class, sparse));
    }
}

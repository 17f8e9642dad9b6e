package io.kubeskippy.job.policy;

import io.kubeskippy.job.pattern.PolicyUpdate;
import java.io.Serializable;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * The active policy versions an operator sees: the updates of the broadcast stream (removals kept
 * as markers), over the policies the job was started with. Starting policies matter for replays and
 * restarts: data must not race ahead of the first broadcast.
 */
public final class ActivePolicies implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The broadcast state: policy name -> latest update (a removal is an update too). */
    public static final MapStateDescriptor<String, PolicyUpdate> DESCRIPTOR =
            new MapStateDescriptor<>(
                    "active-policies", Types.STRING, TypeInformation.of(PolicyUpdate.class));

    private final HashMap<String, PolicyUpdate> initial;

    public ActivePolicies(Map<String, PolicyUpdate> initial) {
        this.initial = new HashMap<>(initial);
    }

    public static ActivePolicies none() {
        return new ActivePolicies(Map.of());
    }

    /** The active version of {@code name}, or null if none. */
    public PolicyUpdate get(ReadOnlyBroadcastState<String, PolicyUpdate> state, String name)
            throws Exception {
        PolicyUpdate update = state.get(name);
        if (update != null) {
            return update.isRemoval() ? null : update;
        }
        return initial.get(name);
    }

    /** Every active version, by name. */
    public Map<String, PolicyUpdate> all(ReadOnlyBroadcastState<String, PolicyUpdate> state)
            throws Exception {
        Map<String, PolicyUpdate> all = new LinkedHashMap<>(initial);
        for (Map.Entry<String, PolicyUpdate> e : state.immutableEntries()) {
            if (e.getValue().isRemoval()) {
                all.remove(e.getKey());
            } else {
                all.put(e.getKey(), e.getValue());
            }
        }
        return all;
    }

    /** Records an update; returns the previously active version (null if none). */
    public PolicyUpdate apply(BroadcastState<String, PolicyUpdate> state, PolicyUpdate update)
            throws Exception {
        PolicyUpdate previous = get(state, update.name);
        state.put(update.name, update);
        return previous;
    }
}

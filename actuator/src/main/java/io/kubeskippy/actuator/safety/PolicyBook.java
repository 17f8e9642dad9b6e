package io.kubeskippy.actuator.safety;

import io.kubeskippy.model.policy.HealingPolicy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The active policies, by name, as the policy topic holds them (every policy of files and of
 * HealingPolicy resources, validated by ingest). The gate checks each action against its policy: an
 * action the policy does not contain, or with other parameters, is never executed.
 */
public final class PolicyBook {

    private final Map<String, HealingPolicy> policies = new ConcurrentHashMap<>();

    /** The policy named {@code name}, or null. */
    public HealingPolicy get(String name) {
        return name == null ? null : policies.get(name);
    }

    public void put(HealingPolicy policy) {
        policies.put(policy.name(), policy);
    }

    public void remove(String name) {
        policies.remove(name);
    }

    public int size() {
        return policies.size();
    }
}

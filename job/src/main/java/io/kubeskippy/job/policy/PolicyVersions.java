package io.kubeskippy.job.policy;

import io.kubeskippy.job.pattern.PolicyUpdate;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.PolicyDocument;
import io.kubeskippy.model.policy.PolicyReader;
import io.kubeskippy.model.serde.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parsed policy versions, cached per version so a broadcast document is read once per operator
 * instance. Not serialisable: each function holds its own, transient.
 */
public final class PolicyVersions {

    private static final int MAX_CACHED = 256;

    private final Map<String, HealingPolicy> byVersion =
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, HealingPolicy> eldest) {
                    return size() > MAX_CACHED;
                }
            };

    /** The policy of this update, or null if it is a removal or (defensively) does not read. */
    public HealingPolicy policy(PolicyUpdate update) {
        if (update == null || update.isRemoval()) {
            return null;
        }
        return byVersion.computeIfAbsent(update.name + "@" + update.version, v -> read(update));
    }

    /** Reads a policy document as published on {@code skippy.policies}; null if invalid. */
    public static HealingPolicy read(PolicyUpdate update) {
        try {
            PolicyDocument doc =
                    PolicyReader.readJson(
                            "skippy.policies/" + update.name,
                            Json.mapper().readTree(update.document));
            return doc.policy();
        } catch (Exception e) {
            return null;
        }
    }
}

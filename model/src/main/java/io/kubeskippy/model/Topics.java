package io.kubeskippy.model;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/** The topic names in use: the defaults of {@link Topic}, each one overridable. */
public final class Topics {

    private static final Topics DEFAULTS = new Topics(Map.of());

    private final Map<Topic, String> names;

    private Topics(Map<Topic, String> overrides) {
        EnumMap<Topic, String> all = new EnumMap<>(Topic.class);
        for (Topic topic : Topic.values()) {
            String name = overrides.getOrDefault(topic, topic.defaultName());
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException(
                        "topic name for " + topic.optionSuffix() + " must not be blank");
            }
            all.put(topic, name.trim());
        }
        this.names = Collections.unmodifiableMap(all);
    }

    public static Topics defaults() {
        return DEFAULTS;
    }

    /** Topics with the given overrides; topics not named keep their defaults. */
    public static Topics of(Map<Topic, String> overrides) {
        return new Topics(Objects.requireNonNull(overrides, "overrides"));
    }

    public Topics with(Topic topic, String name) {
        EnumMap<Topic, String> copy = new EnumMap<>(names);
        copy.put(topic, name);
        return new Topics(copy);
    }

    public String name(Topic topic) {
        return names.get(topic);
    }

    public String metrics() {
        return name(Topic.METRICS);
    }

    public String pods() {
        return name(Topic.PODS);
    }

    public String events() {
        return name(Topic.EVENTS);
    }

    public String policies() {
        return name(Topic.POLICIES);
    }

    public String findings() {
        return name(Topic.FINDINGS);
    }

    public String actions() {
        return name(Topic.ACTIONS);
    }

    public String audit() {
        return name(Topic.AUDIT);
    }

    public String deadletter() {
        return name(Topic.DEADLETTER);
    }

    public Map<Topic, String> asMap() {
        return names;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Topics other && names.equals(other.names);
    }

    @Override
    public int hashCode() {
        return names.hashCode();
    }

    @Override
    public String toString() {
        return names.toString();
    }
}

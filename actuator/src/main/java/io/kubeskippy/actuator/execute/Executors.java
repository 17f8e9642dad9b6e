package io.kubeskippy.actuator.execute;

import io.kubeskippy.model.policy.ActionType;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The executor of each action type; {@code custom} has none (the gate blocks it first). */
public final class Executors {

    private final Map<ActionType, ActionExecutor> byType = new EnumMap<>(ActionType.class);

    public Executors(List<ActionExecutor> executors) {
        for (ActionExecutor e : executors) {
            byType.put(e.type(), e);
        }
    }

    public static Executors standard() {
        return new Executors(
                List.of(
                        new RestartExecutor(),
                        new ScaleExecutor(),
                        new ResourcePatchExecutor(),
                        new DeleteExecutor()));
    }

    /** The executor of {@code type}, or null. */
    public ActionExecutor of(ActionType type) {
        return byType.get(type);
    }
}

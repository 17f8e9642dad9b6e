package io.kubeskippy.demo.observe;

import io.kubeskippy.demo.cluster.AppSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which demo app a target belongs to: its Deployment ({@code demo/memory-leak-app}), one of its
 * ReplicaSets or pods ({@code memory-leak-app-7f9c-x2k4}, named after the Deployment).
 */
public final class AppTargets {

    private AppTargets() {}

    /** The app whose name the target's is, or begins with followed by a dash; the longest wins. */
    public static Optional<AppSnapshot> appOf(
            String namespace, String name, List<AppSnapshot> apps) {
        AppSnapshot best = null;
        for (AppSnapshot app : apps) {
            if (namespace != null && !namespace.equals(app.namespace())) {
                continue;
            }
            if (name.equals(app.name()) || name.startsWith(app.name() + "-")) {
                if (best == null || app.name().length() > best.name().length()) {
                    best = app;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** The tallies of the targets that belong to {@code app}. */
    public static List<LoopSnapshot.TargetTally> of(
            AppSnapshot app, List<LoopSnapshot.TargetTally> targets, List<AppSnapshot> apps) {
        List<LoopSnapshot.TargetTally> mine = new ArrayList<>();
        for (LoopSnapshot.TargetTally t : targets) {
            if (appOf(t.namespace(), t.name(), apps).filter(a -> a.equals(app)).isPresent()) {
                mine.add(t);
            }
        }
        return mine;
    }
}

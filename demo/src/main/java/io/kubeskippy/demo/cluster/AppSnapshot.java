package io.kubeskippy.demo.cluster;

import java.util.List;

/**
 * What the simulated cluster knows of one demo app at one moment, for the terminal view and the
 * summary. Every number is counted from what the simulation did.
 *
 * @param name the app's Deployment name (also its {@code app} label)
 * @param namespace its namespace
 * @param role faulty, control or protected
 * @param fault a short description of the fault ("memory leak 0.6 MiB/s", "none", ...)
 * @param readyPods pods running now
 * @param desiredReplicas the Deployment's spec.replicas now
 * @param memoryBytes recent working-set samples of the app (sum over its pods is not useful: the
 *     max over its pods), oldest first, at most 60
 * @param cpuCores recent CPU usage samples (max over its pods, cores), oldest first, at most 60
 * @param memoryLimitBytes the memory limit of its container now (after any patch)
 * @param restarts container restarts of its current pods, summed
 * @param oomKills OOM kills of its pods since the start of the simulation
 * @param oomKillsPrevented pods of it that were heading to an OOM kill (memory growing toward the
 *     limit) and were replaced or restarted by an API action before reaching it
 * @param podsReplaced pods of it deleted through the API (by the actuator or a rollout) and
 *     recreated by the controller
 */
public record AppSnapshot(
        String name,
        String namespace,
        AppRole role,
        String fault,
        int readyPods,
        int desiredReplicas,
        List<Double> memoryBytes,
        List<Double> cpuCores,
        long memoryLimitBytes,
        int restarts,
        int oomKills,
        int oomKillsPrevented,
        int podsReplaced) {}

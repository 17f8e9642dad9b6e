package io.kubeskippy.job.bench;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * What {@code skippy bench} runs: the synthetic cluster's size, the policies, how much event time,
 * the job's parallelism, and where the savepoint that measures state goes.
 *
 * @param targets pods (two per Deployment)
 * @param policies policies ({@link BenchPolicies})
 * @param minutes event time of samples per measured pass
 * @param parallelism of every operator; one task slot per subtask
 * @param warmupMinutes event time of the unmeasured warm-up pass (0 for none)
 * @param seed of the synthetic cluster
 * @param workDir where savepoints go (a fresh directory under it, deleted afterwards)
 * @param passes which passes run (all for a result line; fewer when profiling one)
 */
public record BenchOptions(
        int targets,
        int policies,
        int minutes,
        int parallelism,
        int warmupMinutes,
        long seed,
        Path workDir,
        Set<Pass> passes) {

    /** The measured passes, in the order they run. */
    public enum Pass {
        GENERATOR,
        CEILING,
        JOB,
        LATENCY
    }

    public static final int DEFAULT_TARGETS = 10_000;
    public static final int DEFAULT_POLICIES = 20;
    public static final int DEFAULT_MINUTES = 10;
    public static final int DEFAULT_PARALLELISM = 2;
    public static final int DEFAULT_WARMUP_MINUTES = 5;
    public static final long DEFAULT_SEED = 42;

    public BenchOptions {
        if (targets < 2) {
            throw new IllegalArgumentException("--targets must be >= 2, got " + targets);
        }
        if (policies < 1) {
            throw new IllegalArgumentException("--policies must be >= 1, got " + policies);
        }
        if (minutes < 1) {
            throw new IllegalArgumentException("--minutes must be >= 1, got " + minutes);
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("--parallelism must be >= 1, got " + parallelism);
        }
        if (warmupMinutes < 0) {
            throw new IllegalArgumentException(
                    "--warmup-minutes must be >= 0, got " + warmupMinutes);
        }
        if (workDir == null) {
            workDir = Path.of(System.getProperty("java.io.tmpdir"));
        }
        passes =
                passes == null || passes.isEmpty()
                        ? EnumSet.allOf(Pass.class)
                        : EnumSet.copyOf(passes);
    }

    public static BenchOptions defaults() {
        return new BenchOptions(
                DEFAULT_TARGETS,
                DEFAULT_POLICIES,
                DEFAULT_MINUTES,
                DEFAULT_PARALLELISM,
                DEFAULT_WARMUP_MINUTES,
                DEFAULT_SEED,
                null,
                null);
    }
}

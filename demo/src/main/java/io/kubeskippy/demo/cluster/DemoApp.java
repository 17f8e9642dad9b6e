package io.kubeskippy.demo.cluster;

import java.util.List;
import java.util.Objects;

/**
 * One demo app: a Deployment of one container, its resources and how it behaves.
 *
 * @param name the Deployment's name and {@code app} label
 * @param role faulty, control or protected
 * @param fault a short description of its fault ("none" for controls)
 * @param replicas the Deployment's replicas at the start
 * @param image the container's image
 * @param memoryLimitBytes the container's memory limit
 * @param memoryRequestBytes the container's memory request
 * @param cpuLimitMillis the container's CPU limit, millicores
 * @param cpuRequestMillis the container's CPU request, millicores
 * @param behaviour how the container behaves
 */
record DemoApp(
        String name,
        AppRole role,
        String fault,
        int replicas,
        String image,
        long memoryLimitBytes,
        long memoryRequestBytes,
        int cpuLimitMillis,
        int cpuRequestMillis,
        Behaviour behaviour) {

    static final String CONTAINER = "app";
    static final String PROTECTED = "kubeskippy.io/protected";

    DemoApp {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(behaviour, "behaviour");
    }

    /** The original project's demo apps and two steady controls, with rates from {@code s}. */
    static List<DemoApp> all(SimulationSettings s) {
        long mib = SimulationSettings.MIB;
        double start = s.leakStartBytes();
        long leakLimit = s.leakMemoryLimitBytes();
        return List.of(
                new DemoApp(
                        "continuous-memory-degradation",
                        AppRole.FAULTY,
                        "memory leak %.2f MiB/s".formatted(s.degradationBytesPerSecond() / mib),
                        1,
                        "kubeskippy/demo-memory-degradation:1.0",
                        leakLimit,
                        Math.min(128 * mib, leakLimit / 2),
                        500,
                        100,
                        Behaviour.steady(start, 0.12).leaking(s.degradationBytesPerSecond())),
                new DemoApp(
                        "memory-leak-app",
                        AppRole.FAULTY,
                        "memory leak %.2f MiB/s".formatted(s.leakBytesPerSecond() / mib),
                        2,
                        "kubeskippy/demo-memory-leak:1.0",
                        leakLimit,
                        Math.min(128 * mib, leakLimit / 2),
                        500,
                        100,
                        Behaviour.steady(start, 0.08).leaking(s.leakBytesPerSecond())),
                new DemoApp(
                        "continuous-cpu-oscillation",
                        AppRole.FAULTY,
                        "CPU swings 0.1-0.8 cores every %ds"
                                .formatted(s.cpuOscillationPeriod().toSeconds()),
                        1,
                        "kubeskippy/demo-cpu-oscillation:1.0",
                        512 * mib,
                        256 * mib,
                        1000,
                        250,
                        Behaviour.steady(160 * mib, 0.45).swinging(0.35, s.cpuOscillationPeriod())),
                new DemoApp(
                        "crashloop-app",
                        AppRole.FAULTY,
                        "crashes %ds after each start".formatted(s.crashLoopRunTime().toSeconds()),
                        1,
                        "kubeskippy/demo-crashloop:1.0",
                        128 * mib,
                        64 * mib,
                        200,
                        50,
                        Behaviour.steady(48 * mib, 0.05)
                                .crashingAfter(s.crashLoopRunTime(), s.crashLoopBackOff())),
                new DemoApp(
                        "random-crasher",
                        AppRole.FAULTY,
                        "crashes every ~%ds at random"
                                .formatted(s.randomCrashMeanInterval().toSeconds()),
                        2,
                        "kubeskippy/demo-random-crasher:1.0",
                        256 * mib,
                        128 * mib,
                        500,
                        100,
                        Behaviour.steady(100 * mib, 0.1)
                                .crashingRandomly(s.randomCrashMeanInterval())),
                new DemoApp(
                        "flaky-web-app",
                        AppRole.FAULTY,
                        "readiness fails every ~%ds, 8%% 5xx"
                                .formatted(s.unhealthyInterval().toSeconds()),
                        2,
                        "kubeskippy/demo-flaky-web:1.0",
                        256 * mib,
                        128 * mib,
                        500,
                        100,
                        Behaviour.steady(140 * mib, 0.2)
                                .flaky(s.unhealthyInterval())
                                .serving(40, 0.08)),
                new DemoApp(
                        "chaos-monkey-component",
                        AppRole.PROTECTED,
                        "protected; CPU swings, random crashes",
                        1,
                        "kubeskippy/demo-chaos-monkey:1.0",
                        256 * mib,
                        128 * mib,
                        1000,
                        100,
                        Behaviour.steady(120 * mib, 0.4)
                                .swinging(
                                        0.3, s.cpuOscillationPeriod().multipliedBy(3).dividedBy(4))
                                .crashingRandomly(s.randomCrashMeanInterval())),
                new DemoApp(
                        "steady-api",
                        AppRole.CONTROL,
                        "none",
                        2,
                        "kubeskippy/demo-steady-api:1.0",
                        256 * mib,
                        128 * mib,
                        500,
                        100,
                        Behaviour.steady(150 * mib, 0.12).serving(25, 0)),
                new DemoApp(
                        "steady-worker",
                        AppRole.CONTROL,
                        "none",
                        1,
                        "kubeskippy/demo-steady-worker:1.0",
                        512 * mib,
                        256 * mib,
                        1000,
                        200,
                        Behaviour.steady(200 * mib, 0.3)));
    }
}

package io.kubeskippy.demo.cluster;

import java.time.Duration;

/**
 * How a demo app's container behaves while it runs, as a function of time. Pure parameters: the
 * {@link Kubelet} turns them into samples, crashes and events.
 *
 * @param memoryBytes working set of a fresh container
 * @param leakBytesPerSecond growth of the working set since the container started (0: none)
 * @param memoryNoiseBytes standard deviation of the working set's noise
 * @param cpuCores mean CPU use
 * @param cpuSwingCores half the peak-to-trough distance of a regular CPU swing (0: none)
 * @param cpuPeriod period of the swing
 * @param cpuNoiseCores standard deviation of the CPU noise
 * @param runTime a container crashes after running this long (null: it does not)
 * @param backOff how long a crashed container waits before its restart (null: the kubelet's
 *     default, 10 s after a second quick crash, immediate otherwise)
 * @param meanTimeBetweenCrashes a container crashes at random, this often on average (null: never)
 * @param unhealthyInterval the readiness probe fails about this often (null: never)
 * @param requestsPerSecond HTTP requests served per second (0: not a web app)
 * @param errorRatio share of those answered with 5xx
 */
record Behaviour(
        double memoryBytes,
        double leakBytesPerSecond,
        double memoryNoiseBytes,
        double cpuCores,
        double cpuSwingCores,
        Duration cpuPeriod,
        double cpuNoiseCores,
        Duration runTime,
        Duration backOff,
        Duration meanTimeBetweenCrashes,
        Duration unhealthyInterval,
        double requestsPerSecond,
        double errorRatio) {

    /** A steady container: noisy memory and CPU around fixed levels. */
    static Behaviour steady(double memoryBytes, double cpuCores) {
        return new Behaviour(
                memoryBytes,
                0,
                memoryBytes * 0.01,
                cpuCores,
                0,
                Duration.ofMinutes(1),
                cpuCores * 0.08,
                null,
                null,
                null,
                null,
                0,
                0);
    }

    Behaviour leaking(double bytesPerSecond) {
        return new Behaviour(
                memoryBytes,
                bytesPerSecond,
                memoryNoiseBytes,
                cpuCores,
                cpuSwingCores,
                cpuPeriod,
                cpuNoiseCores,
                runTime,
                backOff,
                meanTimeBetweenCrashes,
                unhealthyInterval,
                requestsPerSecond,
                errorRatio);
    }

    Behaviour swinging(double swingCores, Duration period) {
        return new Behaviour(
                memoryBytes,
                leakBytesPerSecond,
                memoryNoiseBytes,
                cpuCores,
                swingCores,
                period,
                cpuNoiseCores,
                runTime,
                backOff,
                meanTimeBetweenCrashes,
                unhealthyInterval,
                requestsPerSecond,
                errorRatio);
    }

    Behaviour crashingAfter(Duration run, Duration wait) {
        return new Behaviour(
                memoryBytes,
                leakBytesPerSecond,
                memoryNoiseBytes,
                cpuCores,
                cpuSwingCores,
                cpuPeriod,
                cpuNoiseCores,
                run,
                wait,
                meanTimeBetweenCrashes,
                unhealthyInterval,
                requestsPerSecond,
                errorRatio);
    }

    Behaviour crashingRandomly(Duration mean) {
        return new Behaviour(
                memoryBytes,
                leakBytesPerSecond,
                memoryNoiseBytes,
                cpuCores,
                cpuSwingCores,
                cpuPeriod,
                cpuNoiseCores,
                runTime,
                backOff,
                mean,
                unhealthyInterval,
                requestsPerSecond,
                errorRatio);
    }

    Behaviour flaky(Duration interval) {
        return new Behaviour(
                memoryBytes,
                leakBytesPerSecond,
                memoryNoiseBytes,
                cpuCores,
                cpuSwingCores,
                cpuPeriod,
                cpuNoiseCores,
                runTime,
                backOff,
                meanTimeBetweenCrashes,
                interval,
                requestsPerSecond,
                errorRatio);
    }

    Behaviour serving(double rps, double errors) {
        return new Behaviour(
                memoryBytes,
                leakBytesPerSecond,
                memoryNoiseBytes,
                cpuCores,
                cpuSwingCores,
                cpuPeriod,
                cpuNoiseCores,
                runTime,
                backOff,
                meanTimeBetweenCrashes,
                unhealthyInterval,
                rps,
                errors);
    }

    boolean leaks() {
        return leakBytesPerSecond > 0;
    }
}

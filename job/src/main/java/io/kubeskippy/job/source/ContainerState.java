package io.kubeskippy.job.source;

/**
 * What the job needs of one container: its limits and requests, restarts and states. A Flink POJO;
 * absent limits are 0.
 */
public class ContainerState {
    public String name;
    public long memoryLimitBytes;
    public long memoryRequestBytes;
    public double cpuLimitCores;
    public double cpuRequestCores;
    public int restartCount;

    /** When the current run started (epoch ms), 0 if not running. */
    public long startedAtMs;

    public boolean ready;

    /** e.g. CrashLoopBackOff; null when not waiting. */
    public String waitingReason;

    /** e.g. OOMKilled; null when it never terminated. */
    public String lastTerminatedReason;

    public long lastTerminatedAtMs;

    public ContainerState() {}
}

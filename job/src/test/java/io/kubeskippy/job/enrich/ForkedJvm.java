package io.kubeskippy.job.enrich;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code main} of the test classpath in a JVM of its own, for the benchmarks: one configuration
 * per JVM (its JIT compiles for that configuration only) and the LLM stand-in apart from the job
 * (its CPU is the LLM's, not KubeSkippy's, and is read separately). The child's output goes to a
 * log file; it ends when its stdin closes, and {@link #close} stops it by its PID.
 */
final class ForkedJvm implements AutoCloseable {

    private final Process process;
    private final BufferedReader out;

    private ForkedJvm(Process process) {
        this.process = process;
        this.out =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Starts {@code mainClass} with {@code args}, the test classpath, this JVM's {@code
     * kubeskippy.*} properties and {@code jvmOptions}; stderr goes to {@code log}.
     */
    static ForkedJvm start(Class<?> mainClass, List<String> jvmOptions, Path log, String... args)
            throws IOException {
        return start(null, mainClass, jvmOptions, log, args);
    }

    /**
     * As {@link #start(Class, List, Path, String...)}, on the given CPUs only ({@code taskset -c
     * cpus}, e.g. {@code "1"}), or on all of them when {@code cpus} is null.
     */
    static ForkedJvm start(
            String cpus, Class<?> mainClass, List<String> jvmOptions, Path log, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        if (cpus != null) {
            command.addAll(List.of("taskset", "-c", cpus));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // failsafe puts the test classpath here (java.class.path is its booter jar)
        command.add("-cp");
        command.add(
                System.getProperty(
                        "surefire.test.class.path", System.getProperty("java.class.path")));
        command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("kubeskippy.")) {
                command.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        command.addAll(jvmOptions);
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process p =
                new ProcessBuilder(command)
                        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        return new ForkedJvm(p);
    }

    long pid() {
        return process.pid();
    }

    /** The next line the child printed, or null when it ended. */
    String readLine() throws IOException {
        return out.readLine();
    }

    /** Waits for the child to end by itself; its exit code. */
    int waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        if (!process.waitFor(timeout, unit)) {
            close();
            throw new IllegalStateException(
                    "child JVM " + process.pid() + " did not end within " + timeout + " " + unit);
        }
        return process.exitValue();
    }

    /** User plus kernel CPU seconds of process {@code pid} so far (Linux), or NaN. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // utime and stime, in clock ticks of 1/100 s
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

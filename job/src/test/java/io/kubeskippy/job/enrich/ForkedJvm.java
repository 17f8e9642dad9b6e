package io.kubeskippy.job.enrich;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code main} of the test classpath in a JVM of its own, for the benchmarks: one configuration
 * per JVM (its JIT compiles for that configuration only) and the LLM stand-in apart from the job
 * (its CPU is the LLM's, not KubeSkippy's, and is read separately). The child's stdout and stderr
 * go to a log file. A child's {@code main} calls {@link #exitWhenStdinCloses()}, so it ends with
 * its parent; {@link #close} stops it by its PID.
 */
final class ForkedJvm implements AutoCloseable {

    private final Process process;
    private final Path log;

    private ForkedJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code mainClass} with {@code args}, the test classpath, this JVM's {@code
     * kubeskippy.*} properties and {@code jvmOptions}, on the given CPUs only ({@code taskset -c
     * cpus}, e.g. {@code "1"}) or on all of them when {@code cpus} is null; its output is appended
     * to {@code log}.
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
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        return new ForkedJvm(p, log);
    }

    long pid() {
        return process.pid();
    }

    /**
     * Waits until the child has written {@code file} (see {@link #announce}) and returns its
     * content.
     *
     * @throws org.awaitility.core.ConditionTimeoutException after {@code timeout}, or at once when
     *     the child ended
     */
    String awaitAnnounced(Path file, Duration timeout) throws IOException {
        await().atMost(timeout)
                .pollInterval(Duration.ofMillis(100))
                .failFast("the child JVM ended; see " + log, () -> !process.isAlive())
                .until(() -> Files.exists(file));
        return Files.readString(file);
    }

    /** Writes {@code content} to {@code file} at once (for {@link #awaitAnnounced}). */
    static void announce(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Waits for the child to end by itself and returns its exit code; after {@code timeout} stops
     * it and throws.
     */
    int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            throw new IllegalStateException(
                    "child JVM "
                            + process.pid()
                            + " did not end within "
                            + timeout
                            + "; see "
                            + log);
        }
        return process.exitValue();
    }

    /**
     * For a child's {@code main}: a daemon thread that ends this JVM when stdin closes, that is,
     * when the parent closed it or itself ended.
     */
    static void exitWhenStdinCloses() {
        Thread t =
                new Thread(
                        () -> {
                            try {
                                while (System.in.read() >= 0) {
                                    // nothing is sent; EOF is the signal
                                }
                            } catch (IOException e) {
                                // the pipe broke: the parent is gone as well
                            }
                            System.exit(3);
                        },
                        "exit-with-parent");
        t.setDaemon(true);
        t.start();
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

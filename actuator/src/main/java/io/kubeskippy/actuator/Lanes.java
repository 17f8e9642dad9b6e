package io.kubeskippy.actuator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A fixed number of single-threaded lanes. Work about one target always goes to the same lane, so
 * one target's actions run one after another, in order; different targets run side by side.
 */
final class Lanes implements AutoCloseable {

    /** A step that returns a future completing when its outcome is recorded. */
    interface Task {
        CompletableFuture<Void> run() throws Exception;
    }

    private final List<ExecutorService> lanes = new ArrayList<>();

    Lanes(int count) {
        for (int i = 0; i < count; i++) {
            int n = i;
            lanes.add(
                    Executors.newSingleThreadExecutor(
                            r -> {
                                Thread t = new Thread(r, "actuator-lane-" + n);
                                t.setDaemon(true);
                                return t;
                            }));
        }
    }

    int size() {
        return lanes.size();
    }

    /**
     * Runs {@code task} on the lane of {@code key}.
     *
     * @return completes when the task's own future does, or exceptionally when the task throws
     */
    CompletableFuture<Void> submit(String key, Task task) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ExecutorService lane =
                lanes.get(Math.floorMod(key == null ? 0 : key.hashCode(), lanes.size()));
        try {
            lane.execute(
                    () -> {
                        try {
                            task.run()
                                    .whenComplete(
                                            (ok, error) -> {
                                                if (error == null) {
                                                    done.complete(null);
                                                } else {
                                                    done.completeExceptionally(error);
                                                }
                                            });
                        } catch (Throwable e) {
                            done.completeExceptionally(e);
                        }
                    });
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    /** Lets running tasks finish for at most {@code grace}, then interrupts them. */
    void stop(Duration grace) {
        lanes.forEach(ExecutorService::shutdown);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ExecutorService lane : lanes) {
            try {
                long left = deadline - System.nanoTime();
                if (!lane.awaitTermination(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                    lane.shutdownNow();
                }
            } catch (InterruptedException e) {
                lane.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Interrupts every task now, as a crash would stop them. */
    void kill() {
        lanes.forEach(ExecutorService::shutdownNow);
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }
}

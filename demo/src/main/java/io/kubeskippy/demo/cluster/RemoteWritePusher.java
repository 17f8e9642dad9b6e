package io.kubeskippy.demo.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes each scrape to a remote write endpoint on its own thread, as Prometheus' queue manager
 * does in miniature: batches wait in a bounded queue (oldest dropped when full), a 5xx or a network
 * error keeps the batch for the next attempt, a 4xx drops it (the receiver will never take it).
 */
final class RemoteWritePusher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteWritePusher.class);
    private static final int MAX_QUEUED = 120;

    private final URI url;
    private final HttpClient http;
    private final ExecutorService thread;
    private final Deque<List<Sample>> queue = new ArrayDeque<>();
    private final AtomicLong samplesSent = new AtomicLong();
    private final AtomicLong requestsSent = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile String lastError;

    RemoteWritePusher(URI url, String threadName) {
        this.url = url;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        this.thread =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, threadName);
                            t.setDaemon(true);
                            return t;
                        });
    }

    URI url() {
        return url;
    }

    /** Queues one scrape and sends what is queued, on the pusher's thread. */
    void offer(List<Sample> samples) {
        if (samples.isEmpty()) {
            return;
        }
        synchronized (queue) {
            queue.addLast(samples);
            while (queue.size() > MAX_QUEUED) {
                dropped.addAndGet(queue.removeFirst().size());
            }
        }
        try {
            thread.execute(this::drain);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private void drain() {
        while (true) {
            List<Sample> batch;
            synchronized (queue) {
                batch = queue.peekFirst();
            }
            if (batch == null || Thread.currentThread().isInterrupted()) {
                return;
            }
            int status = send(batch);
            if (status >= 200 && status < 300) {
                samplesSent.addAndGet(batch.size());
                requestsSent.incrementAndGet();
            } else if (status >= 400 && status < 500) {
                dropped.addAndGet(batch.size());
            } else {
                return; // keep it for the next scrape's attempt
            }
            synchronized (queue) {
                if (queue.peekFirst() == batch) {
                    queue.removeFirst();
                }
            }
        }
    }

    /** The HTTP status, or -1 on a network error. */
    private int send(List<Sample> batch) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(url)
                        .timeout(Duration.ofSeconds(10))
                        .POST(
                                HttpRequest.BodyPublishers.ofByteArray(
                                        RemoteWriteEncoder.encode(batch)));
        RemoteWriteEncoder.HEADERS.forEach(request::header);
        try {
            HttpResponse<String> response =
                    http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                failures.incrementAndGet();
                lastError = "HTTP " + response.statusCode() + ": " + response.body();
                LOG.debug("remote write to {}: {}", url, lastError);
            }
            return response.statusCode();
        } catch (IOException e) {
            failures.incrementAndGet();
            lastError = e.toString();
            LOG.debug("remote write to {} failed: {}", url, e.toString());
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    long samplesSent() {
        return samplesSent.get();
    }

    long requestsSent() {
        return requestsSent.get();
    }

    long failures() {
        return failures.get();
    }

    long dropped() {
        return dropped.get();
    }

    String lastError() {
        return lastError;
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

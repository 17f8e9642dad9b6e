package io.kubeskippy.job.enrich;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * The one okhttp client (one connection pool, one dispatcher) and retry scheduler of a JVM, shared
 * by every enrichment subtask in it and shut down when the last one closes. Counted, so a job that
 * ends leaves no threads behind in a TaskManager (or a test JVM).
 */
final class SharedHttp {

    /** Concurrent calls of the JVM; more wait in the dispatcher's queue. */
    static final int MAX_REQUESTS = 256;

    private static int users;
    private static OkHttpClient client;
    private static ScheduledExecutorService scheduler;

    private SharedHttp() {}

    /** A lease on the shared client; {@link #close()} it exactly once. */
    static final class Lease implements AutoCloseable {
        private final OkHttpClient client;
        private final ScheduledExecutorService scheduler;
        private boolean closed;

        private Lease(OkHttpClient client, ScheduledExecutorService scheduler) {
            this.client = client;
            this.scheduler = scheduler;
        }

        OkHttpClient client() {
            return client;
        }

        ScheduledExecutorService scheduler() {
            return scheduler;
        }

        @Override
        public void close() {
            synchronized (SharedHttp.class) {
                if (closed) {
                    return;
                }
                closed = true;
                release();
            }
        }
    }

    static synchronized Lease acquire() {
        if (users++ == 0) {
            ExecutorService calls =
                    new ThreadPoolExecutor(
                            0,
                            Integer.MAX_VALUE,
                            60,
                            TimeUnit.SECONDS,
                            new SynchronousQueue<>(),
                            daemons("kubeskippy-llm-"));
            Dispatcher dispatcher = new Dispatcher(calls);
            dispatcher.setMaxRequests(MAX_REQUESTS);
            dispatcher.setMaxRequestsPerHost(MAX_REQUESTS);
            client =
                    new OkHttpClient.Builder()
                            .dispatcher(dispatcher)
                            // as many idle connections as calls at once: a burst of findings
                            // reuses them instead of connecting (and handshaking TLS) anew
                            .connectionPool(new ConnectionPool(MAX_REQUESTS, 5, TimeUnit.MINUTES))
                            // each call gets its own whole-call timeout; no per-phase ones
                            .connectTimeout(Duration.ZERO)
                            .readTimeout(Duration.ZERO)
                            .writeTimeout(Duration.ZERO)
                            .followRedirects(false)
                            .build();
            ScheduledThreadPoolExecutor s =
                    new ScheduledThreadPoolExecutor(1, daemons("kubeskippy-llm-retry-"));
            s.setRemoveOnCancelPolicy(true);
            scheduler = s;
        }
        return new Lease(client, scheduler);
    }

    private static void release() {
        if (--users == 0) {
            client.dispatcher().cancelAll();
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
            scheduler.shutdownNow();
            client = null;
            scheduler = null;
        }
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}

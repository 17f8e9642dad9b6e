package io.kubeskippy.ingest.prometheus;

import io.kubeskippy.ingest.IngestCounters;
import io.kubeskippy.ingest.SampleSink;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates every query (of a {@link QueryFile}, and of the policies' metric triggers) each step
 * through Prometheus' query API ({@code POST /api/v1/query}) and hands the samples, stamped with
 * the evaluation time, to a sink.
 *
 * <p>Evaluation times are aligned to multiples of the step. Each step either is evaluated or is
 * counted as missed, so {@link IngestCounters#pollMissedEvaluations()} is exactly the size of the
 * gaps in the polled series. When Prometheus cannot be reached (connection error, timeout, 5xx) the
 * poller retries with exponential backoff up to a cap, logging once when the outage starts and once
 * when it ends; a retry within the same step re-evaluates that step's time. A query Prometheus
 * rejects (400/422, e.g. a syntax error) is counted and logged once until it works again, without
 * holding up the other queries. Nothing stops the poller but {@link #close()}.
 */
public final class PrometheusPoller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PrometheusPoller.class);

    private final PrometheusPollerOptions options;
    private final Supplier<List<PrometheusQuery>> queries;
    private final SampleSink sink;
    private final IngestCounters counters;
    private final HttpClient client;
    private final Set<PrometheusQuery> failingQueries = new HashSet<>();
    private final Thread thread;
    private volatile boolean running;
    private volatile boolean inOutage;
    private volatile int queryCount;

    /** A poller of a fixed set of queries. */
    public PrometheusPoller(
            PrometheusPollerOptions options,
            List<PrometheusQuery> queries,
            SampleSink sink,
            IngestCounters counters) {
        this(options, supplier(queries), sink, counters);
    }

    /**
     * A poller of a set of queries that may change: {@code queries} is asked at the start of every
     * step (e.g. the file's queries plus those of the policies active now). An empty set is a step
     * with nothing to evaluate.
     */
    public PrometheusPoller(
            PrometheusPollerOptions options,
            Supplier<List<PrometheusQuery>> queries,
            SampleSink sink,
            IngestCounters counters) {
        this.options = Objects.requireNonNull(options, "options");
        this.queries = Objects.requireNonNull(queries, "queries");
        this.queryCount = queries.get().size();
        this.sink = Objects.requireNonNull(sink, "sink");
        this.counters = Objects.requireNonNull(counters, "counters");
        this.client =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(options.requestTimeout())
                        .build();
        this.thread = new Thread(this::run, "prometheus-poller");
        this.thread.setDaemon(true);
    }

    /** Starts polling on its own thread. */
    public synchronized void start() {
        if (running || thread.getState() != Thread.State.NEW) {
            throw new IllegalStateException("already started");
        }
        running = true;
        thread.start();
        LOG.info(
                "polling {} queries from {} every {} ms",
                queryCount,
                options.baseUrl(),
                options.step().toMillis());
    }

    /** Whether Prometheus is currently unreachable. */
    public boolean inOutage() {
        return inOutage;
    }

    /** How many queries the last step evaluated (or the first will). */
    public int queryCount() {
        return queryCount;
    }

    /** Whether the polling thread runs (it only ends on close). */
    public boolean isRunning() {
        return thread.isAlive();
    }

    /** Stops polling and waits for the thread to end. Idempotent. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(options.requestTimeout().toMillis() + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long step = options.step().toMillis();
        long tick = ceil(System.currentTimeMillis(), step);
        long wakeAt = tick;
        long backoff = options.initialBackoff().toMillis();
        long outageStart = 0;
        long missedInOutage = 0;
        Set<PrometheusQuery> done = new HashSet<>();
        while (running) {
            if (!sleepUntil(wakeAt)) {
                break;
            }
            String failure;
            try {
                failure = evaluate(tick, done);
            } catch (RuntimeException e) {
                // A bug must not end polling; it counts as an error of this step.
                LOG.error("evaluating Prometheus queries failed unexpectedly", e);
                failure = e.toString();
            }
            long now = System.currentTimeMillis();
            if (failure == null) {
                counters.pollStepDone(tick);
                if (inOutage) {
                    inOutage = false;
                    LOG.info(
                            "Prometheus at {} reachable again after {} ms; {} evaluation steps"
                                    + " missed",
                            options.baseUrl(),
                            now - outageStart,
                            missedInOutage);
                }
                backoff = options.initialBackoff().toMillis();
                long next = tick + step;
                long latest = floor(now, step);
                if (latest > next) {
                    // Evaluation was slower than the step: skip to the latest due step.
                    counters.pollMissed((latest - next) / step);
                    next = latest;
                }
                tick = next;
                wakeAt = tick;
                done.clear();
                continue;
            }
            if (!running) {
                break;
            }
            counters.pollError();
            if (!inOutage) {
                inOutage = true;
                outageStart = now;
                missedInOutage = 0;
                counters.pollOutage();
                LOG.warn(
                        "Prometheus at {} unreachable ({}); retrying with backoff up to {} ms",
                        options.baseUrl(),
                        failure,
                        options.maxBackoff().toMillis());
            }
            long retryAt = now + backoff;
            backoff = Math.min(backoff * 2, options.maxBackoff().toMillis());
            if (retryAt < tick + step) {
                // Still within this step: retry the same evaluation time.
                wakeAt = retryAt;
                continue;
            }
            long next = ceil(retryAt, step);
            long missed = (next - tick) / step;
            counters.pollMissed(missed);
            missedInOutage += missed;
            tick = next;
            wakeAt = next;
            done.clear();
        }
    }

    /**
     * Evaluates the queries not yet done at {@code tickMs}.
     *
     * @return null when every query was evaluated (or refused by Prometheus), else why Prometheus
     *     could not be reached
     */
    private String evaluate(long tickMs, Set<PrometheusQuery> done) {
        List<PrometheusQuery> current = queries.get();
        queryCount = current.size();
        failingQueries.retainAll(current);
        for (PrometheusQuery query : current) {
            if (done.contains(query)) {
                continue;
            }
            Answer answer = query(query, tickMs);
            if (answer.unavailable != null) {
                return answer.unavailable;
            }
            done.add(query);
            if (answer.queryError != null) {
                counters.pollQueryError();
                if (failingQueries.add(query)) {
                    LOG.warn("query {} failed: {}", query.describe(), answer.queryError);
                }
                continue;
            }
            QueryResultParser.Result result;
            try {
                result = QueryResultParser.parse(answer.body, query.name());
            } catch (IllegalArgumentException e) {
                counters.pollQueryError();
                if (failingQueries.add(query)) {
                    LOG.warn("query {} gave an unreadable answer: {}", query.describe(), e);
                }
                continue;
            }
            if (failingQueries.remove(query)) {
                LOG.info("query {} works again", query.describe());
            }
            result.dropped().forEach(counters::pollDropped);
            counters.pollEvaluated(result.samples().size());
            if (!result.samples().isEmpty()) {
                // Not awaited: Kafka's acknowledgements and failures are counted by the sink.
                sink.send(result.samples());
            }
        }
        return null;
    }

    private Answer query(PrometheusQuery query, long tickMs) {
        String form =
                "query="
                        + URLEncoder.encode(query.query(), StandardCharsets.UTF_8)
                        + "&time="
                        + seconds(tickMs)
                        + "&timeout="
                        + options.requestTimeout().toMillis()
                        + "ms";
        HttpRequest request =
                HttpRequest.newBuilder(options.queryUrl())
                        .timeout(options.requestTimeout())
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Accept", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8))
                        .build();
        HttpResponse<InputStream> response;
        byte[] body;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                body = in.readNBytes(options.maxResponseBytes() + 1);
            }
        } catch (IOException e) {
            return Answer.unavailable(describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Answer.unavailable("interrupted");
        }
        int status = response.statusCode();
        if (status == 400 || status == 422) {
            return Answer.queryError("HTTP " + status + ": " + errorText(body));
        }
        if (status != 200) {
            return Answer.unavailable("HTTP " + status + ": " + errorText(body));
        }
        if (body.length > options.maxResponseBytes()) {
            return Answer.queryError(
                    "answer over the " + options.maxResponseBytes() + "-byte limit");
        }
        return Answer.ok(body);
    }

    private static String errorText(byte[] body) {
        try {
            QueryResultParser.parse(body, null);
            return "(no error message)";
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /**
     * An I/O failure in a few words: the JDK client's exceptions often carry their message only on
     * a cause.
     */
    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(e.getClass().getSimpleName());
        String last = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && !message.equals(last)) {
                text.append(": ").append(message);
                last = message;
            }
        }
        return text.toString();
    }

    /** Epoch milliseconds as Prometheus' decimal seconds. */
    static String seconds(long epochMs) {
        return Math.floorDiv(epochMs, 1000)
                + "."
                + String.format("%03d", Math.floorMod(epochMs, 1000));
    }

    private boolean sleepUntil(long epochMs) {
        long wait = epochMs - System.currentTimeMillis();
        if (wait <= 0) {
            return running;
        }
        try {
            Thread.sleep(wait);
            return running;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private static Supplier<List<PrometheusQuery>> supplier(List<PrometheusQuery> queries) {
        List<PrometheusQuery> fixed = List.copyOf(queries);
        if (fixed.isEmpty()) {
            throw new IllegalArgumentException("at least one query is required");
        }
        return () -> fixed;
    }

    private static long ceil(long value, long step) {
        return -Math.floorDiv(-value, step) * step;
    }

    private static long floor(long value, long step) {
        return Math.floorDiv(value, step) * step;
    }

    /** One query's answer: a body, or a query error, or Prometheus unavailable. */
    private record Answer(byte[] body, String queryError, String unavailable) {
        static Answer ok(byte[] body) {
            return new Answer(body, null, null);
        }

        static Answer queryError(String reason) {
            return new Answer(null, reason, null);
        }

        static Answer unavailable(String reason) {
            return new Answer(null, null, reason);
        }
    }
}

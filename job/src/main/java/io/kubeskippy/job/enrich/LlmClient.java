package io.kubeskippy.job.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubeskippy.model.serde.Json;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * Asynchronous chat calls with okhttp: one request per attempt, each with its own whole-call
 * timeout ({@code --llm-timeout}); retries with exponential backoff (plus up to 20 % jitter) only
 * after a timeout, a 429 (honouring {@code Retry-After}) or a 5xx; and a deadline for all attempts
 * together, after which the call in flight is cancelled. Never blocks the caller.
 */
final class LlmClient {

    /** Bigger replies are not read. */
    static final int MAX_RESPONSE_BYTES = 1024 * 1024;

    /** An attempt with less time left than this is not started. */
    static final long MIN_ATTEMPT_MS = 100;

    private static final MediaType JSON = MediaType.get("application/json");

    /** What the server answered: the model's message text and the model's name. */
    record Response(String content, String model, int attempts) {}

    private final LlmSettings settings;
    private final ApiKey key;
    private final SharedHttp.Lease http;
    private final LongSupplier nanoTime;

    /** Parsed once: okhttp would parse a string URL again for every call. */
    private final HttpUrl endpoint;

    LlmClient(LlmSettings settings, ApiKey key, SharedHttp.Lease http, LongSupplier nanoTime) {
        this.settings = settings;
        this.key = key;
        this.http = http;
        this.nanoTime = nanoTime;
        // valid: LlmSettings.problems() refuses a URL the client cannot call
        this.endpoint = HttpUrl.get(settings.endpoint());
    }

    /**
     * Asks the model; the future fails with an {@link LlmFailure} (never another exception).
     *
     * @param deadlineNanos in {@code nanoTime}'s terms: no attempt starts or continues after it
     */
    CompletableFuture<Response> chat(Prompt prompt, long deadlineNanos) {
        byte[] body;
        try {
            body =
                    Json.mapper()
                            .writeValueAsBytes(
                                    settings.provider()
                                            .requestBody(
                                                    prompt,
                                                    settings.model(),
                                                    settings.temperature()));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(
                    new LlmFailure(LlmFailure.Kind.BAD_RESPONSE, "cannot write the request"));
        }
        Request.Builder request =
                new Request.Builder()
                        .url(endpoint)
                        .header("Accept", "application/json")
                        .header("User-Agent", "kubeskippy-job")
                        .post(RequestBody.create(body, JSON));
        if (key.present()) {
            request.header("Authorization", key.bearer());
        }
        Exchange exchange = new Exchange(request.build(), deadlineNanos);
        exchange.start();
        return exchange.future;
    }

    /** One enrichment's attempts. */
    private final class Exchange {
        final CompletableFuture<Response> future = new CompletableFuture<>();
        private final Request request;
        private final long deadlineNanos;
        private final long startNanos;
        private int attempts;
        private Call current;
        private String lastFailure = "";
        private ScheduledFuture<?> deadlineTask;

        Exchange(Request request, long deadlineNanos) {
            this.request = request;
            this.deadlineNanos = deadlineNanos;
            this.startNanos = nanoTime.getAsLong();
        }

        synchronized void start() {
            long left = leftMs();
            if (left < MIN_ATTEMPT_MS) {
                fail(new LlmFailure(LlmFailure.Kind.DEADLINE, "no time left for an LLM call"));
                return;
            }
            try {
                deadlineTask = http.scheduler().schedule(this::expire, left, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                fail(new LlmFailure(LlmFailure.Kind.IO, "the LLM client is closed"));
                return;
            }
            attempt();
        }

        private synchronized void attempt() {
            if (future.isDone()) {
                return;
            }
            long left = leftMs();
            if (left < MIN_ATTEMPT_MS) {
                fail(deadline());
                return;
            }
            attempts++;
            // cut short by the deadline, the deadline answers (a little later, the call timeout)
            long timeoutMs = Math.min(settings.callTimeout().toMillis(), left + 50);
            Call call = http.client().newCall(request);
            call.timeout().timeout(timeoutMs, TimeUnit.MILLISECONDS);
            current = call;
            call.enqueue(
                    new Callback() {
                        @Override
                        public void onFailure(Call c, IOException e) {
                            failed(c, classify(e, timeoutMs), -1);
                        }

                        @Override
                        public void onResponse(Call c, okhttp3.Response response) {
                            try (response) {
                                handle(c, response);
                            }
                        }
                    });
        }

        private void handle(Call call, okhttp3.Response response) {
            int code = response.code();
            String text;
            try {
                text = read(response.body());
            } catch (LlmFailure f) {
                failed(call, f, -1);
                return;
            } catch (IOException e) {
                failed(call, classify(e, settings.callTimeout().toMillis()), -1);
                return;
            }
            if (code == 429 || code >= 500) {
                failed(
                        call,
                        new LlmFailure(
                                code == 429 ? LlmFailure.Kind.HTTP_429 : LlmFailure.Kind.HTTP_5XX,
                                httpMessage(code, text)),
                        code == 429 ? retryAfterMs(response.header("Retry-After")) : -1);
                return;
            }
            if (code < 200 || code >= 300) {
                failed(call, new LlmFailure(LlmFailure.Kind.HTTP_4XX, httpMessage(code, text)), -1);
                return;
            }
            try {
                JsonNode reply = Json.mapper().readTree(text);
                if (reply == null || !reply.isObject()) {
                    throw new LlmFailure(
                            LlmFailure.Kind.BAD_RESPONSE,
                            "the LLM server's reply is not a JSON object: "
                                    + Prompt.clip(text.strip(), 80));
                }
                String content = settings.provider().content(reply);
                succeeded(call, new Response(content, LlmProvider.model(reply), attempts));
            } catch (LlmFailure f) {
                failed(call, f, -1);
            } catch (IOException e) {
                failed(
                        call,
                        new LlmFailure(
                                LlmFailure.Kind.BAD_RESPONSE,
                                "the LLM server's reply is not JSON: "
                                        + Prompt.clip(text.strip(), 80)),
                        -1);
            }
        }

        private synchronized void succeeded(Call call, Response response) {
            if (call != current || future.isDone()) {
                return;
            }
            cancelDeadline();
            future.complete(response);
        }

        private synchronized void failed(Call call, LlmFailure failure, long retryAfterMs) {
            if (call != current || future.isDone()) {
                return; // cancelled by the deadline, which already answered
            }
            lastFailure = failure.getMessage();
            if (!failure.kind().retryable() || attempts > settings.retries()) {
                fail(withAttempts(failure));
                return;
            }
            long backoff = settings.backoff().toMillis() << Math.min(20, attempts - 1);
            backoff += (long) (backoff * 0.2 * ThreadLocalRandom.current().nextDouble());
            long wait = Math.max(backoff, retryAfterMs);
            if (wait + MIN_ATTEMPT_MS > leftMs()) {
                fail(
                        new LlmFailure(
                                failure.kind(),
                                failure.getMessage()
                                        + " ("
                                        + attempts
                                        + (attempts == 1 ? " attempt" : " attempts")
                                        + "; no time left for a retry)"));
                return;
            }
            current = null;
            try {
                http.scheduler().schedule(this::attempt, wait, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                fail(withAttempts(failure));
            }
        }

        private LlmFailure withAttempts(LlmFailure failure) {
            return attempts <= 1
                    ? failure
                    : new LlmFailure(
                            failure.kind(), failure.getMessage() + " (" + attempts + " attempts)");
        }

        private synchronized void expire() {
            if (future.isDone()) {
                return;
            }
            Call call = current;
            current = null;
            if (call != null) {
                call.cancel();
            }
            future.completeExceptionally(deadline());
        }

        private LlmFailure deadline() {
            long tookMs = (nanoTime.getAsLong() - startNanos) / 1_000_000;
            return new LlmFailure(
                    LlmFailure.Kind.DEADLINE,
                    "no reply within the enrichment deadline ("
                            + tookMs
                            + " ms, "
                            + attempts
                            + (attempts == 1 ? " attempt" : " attempts")
                            + (lastFailure.isEmpty() ? "" : "; last: " + lastFailure)
                            + ")");
        }

        private void fail(LlmFailure failure) {
            cancelDeadline();
            future.completeExceptionally(
                    new LlmFailure(failure.kind(), key.redact(failure.getMessage())));
        }

        private void cancelDeadline() {
            if (deadlineTask != null) {
                deadlineTask.cancel(false);
            }
        }

        private long leftMs() {
            return (deadlineNanos - nanoTime.getAsLong()) / 1_000_000;
        }
    }

    private static LlmFailure classify(IOException e, long timeoutMs) {
        if (e instanceof SocketTimeoutException
                || (e instanceof InterruptedIOException && "timeout".equals(e.getMessage()))) {
            return new LlmFailure(
                    LlmFailure.Kind.TIMEOUT, "no reply within " + timeoutMs + " ms (llm-timeout)");
        }
        return new LlmFailure(
                LlmFailure.Kind.IO,
                "cannot reach the LLM server: "
                        + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + Prompt.clip(e.getMessage(), 160)));
    }

    private static String httpMessage(int code, String body) {
        String b = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        return "HTTP "
                + code
                + " from the LLM server"
                + (b.isEmpty() ? "" : ": " + Prompt.clip(b, 160));
    }

    private static String read(ResponseBody body) throws IOException, LlmFailure {
        if (body == null) {
            return "";
        }
        BufferedSource source = body.source();
        if (source.request(MAX_RESPONSE_BYTES + 1L)) {
            throw new LlmFailure(
                    LlmFailure.Kind.BAD_RESPONSE,
                    "the LLM server's reply is larger than " + MAX_RESPONSE_BYTES + " bytes");
        }
        return source.getBuffer().readString(StandardCharsets.UTF_8);
    }

    private static long retryAfterMs(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Math.min(60_000, Long.parseLong(header.trim()) * 1000);
        } catch (NumberFormatException e) {
            return -1; // an HTTP date: the backoff decides
        }
    }
}

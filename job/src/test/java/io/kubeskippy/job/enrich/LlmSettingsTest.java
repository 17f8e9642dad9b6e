package io.kubeskippy.job.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubeskippy.job.JobArgs;
import io.kubeskippy.job.JobSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LlmSettingsTest {

    @Test
    void noLlmByDefault() {
        LlmSettings llm = JobSettings.defaults().llm();

        assertThat(llm.configured()).isFalse();
        assertThat(llm.provider()).isEqualTo(LlmProvider.OLLAMA);
        assertThat(llm.callTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(llm.cacheTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(JobSettings.defaults().enrichmentCapacity()).isEqualTo(100);
    }

    @Test
    void readsEveryLlmOption() {
        LlmSettings llm =
                JobArgs.parse(
                                List.of(
                                        "--llm-url", "http://localhost:8000/v1",
                                        "--llm-provider", "openai",
                                        "--llm-model", "qwen2.5-1.5b-instruct",
                                        "--llm-timeout", "2s",
                                        "--llm-key-env", "OPENAI_API_KEY",
                                        "--llm-temperature", "0.2",
                                        "--llm-retries", "1",
                                        "--llm-backoff", "100ms",
                                        "--llm-breaker-failures", "3",
                                        "--llm-breaker-cool-off", "30s",
                                        "--llm-cache-ttl", "0"))
                        .llm();

        assertThat(llm.endpoint()).isEqualTo("http://localhost:8000/v1/chat/completions");
        assertThat(llm.callTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(llm.keyEnv()).isEqualTo("OPENAI_API_KEY");
        assertThat(llm.retries()).isEqualTo(1);
        assertThat(llm.backoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(llm.breakerFailures()).isEqualTo(3);
        assertThat(llm.cacheTtl()).isZero();
    }

    @Test
    void endpointsOfBothApis() {
        assertThat(LlmProvider.OLLAMA.endpoint("http://localhost:11434"))
                .isEqualTo("http://localhost:11434/api/chat");
        assertThat(LlmProvider.OLLAMA.endpoint("http://h/api/chat")).isEqualTo("http://h/api/chat");
        assertThat(LlmProvider.OPENAI.endpoint("https://api.openai.com"))
                .isEqualTo("https://api.openai.com/v1/chat/completions");
        assertThat(LlmProvider.OPENAI.endpoint("http://localhost:1234/v1/"))
                .isEqualTo("http://localhost:1234/v1/chat/completions");
    }

    @Test
    void reportsEveryBadValueAtOnce() {
        assertThatThrownBy(
                        () ->
                                JobSettings.from(
                                        Map.of(
                                                "llm-url", "localhost:11434",
                                                "llm-provider", "anthropic",
                                                "llm-key-env", "K",
                                                "llm-key-file", "/k",
                                                "llm-retries", "many"),
                                        io.kubeskippy.model.Topics.defaults()))
                .hasMessageContaining("--llm-provider must be ollama or openai, got 'anthropic'")
                .hasMessageContaining("--llm-retries must be a whole number, got 'many'")
                .hasMessageContaining("--llm-url must be an http:// or https:// URL")
                .hasMessageContaining(
                        "--llm-key-env and --llm-key-file: give one of them, not both");
    }

    @Test
    void refusesAUrlTheHttpClientCannotCallWithoutPrintingItsCredentials() {
        assertThatThrownBy(
                        () ->
                                JobSettings.from(
                                        Map.of("llm-url", "http://user:secret@localhost:99999"),
                                        io.kubeskippy.model.Topics.defaults()))
                .hasMessageContaining("--llm-url is not a URL the HTTP client can call")
                .hasMessageContaining("http://localhost:99999")
                .hasMessageNotContaining("secret");
    }

    @Test
    void printedSettingsHoldNoCredentials() {
        LlmSettings llm =
                JobSettings.from(
                                Map.of(
                                        "llm-url",
                                        "https://user:secret@llm.example.com/v1?api-key=secret"),
                                io.kubeskippy.model.Topics.defaults())
                        .llm();

        assertThat(llm.toString()).doesNotContain("secret").contains("https://llm.example.com/v1");
    }

    @Test
    void theKeyComesFromTheEnvironmentOrAFileAndIsNeverPrinted() throws Exception {
        LlmSettings fromEnv = settings("OPENAI_API_KEY", "");
        ApiKey key =
                ApiKey.read(
                        fromEnv, name -> name.equals("OPENAI_API_KEY") ? "sk-test-123\n" : null);
        assertThat(key.bearer()).isEqualTo("Bearer sk-test-123");
        assertThat(key.toString()).doesNotContain("sk-test");
        assertThat(key.redact("echo: Bearer sk-test-123")).isEqualTo("echo: Bearer ***");

        Path file = Files.createTempFile(Path.of("target"), "llm-key", ".txt");
        Files.writeString(file, "sk-file-456\n");
        assertThat(ApiKey.read(settings("", file.toString()), n -> null).bearer())
                .isEqualTo("Bearer sk-file-456");

        assertThatThrownBy(() -> ApiKey.read(settings("NOT_SET", ""), n -> null))
                .hasMessage("--llm-key-env NOT_SET: the environment variable is not set or empty");
        assertThat(ApiKey.read(settings("", ""), n -> null).present()).isFalse();
    }

    private static LlmSettings settings(String keyEnv, String keyFile) {
        return new LlmSettings(
                "http://localhost:11434",
                LlmProvider.OLLAMA,
                "m",
                Duration.ofSeconds(1),
                keyEnv,
                keyFile,
                0,
                0,
                Duration.ofMillis(10),
                1,
                Duration.ofSeconds(1),
                Duration.ZERO);
    }
}

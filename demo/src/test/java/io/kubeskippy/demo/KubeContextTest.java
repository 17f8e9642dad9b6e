package io.kubeskippy.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class KubeContextTest {

    static final String KUBECONFIG =
            """
            apiVersion: v1
            kind: Config
            current-context: other
            clusters:
              - name: kind
                cluster: {server: "https://127.0.0.1:6443", certificate-authority: certs/ca.crt}
              - name: prod
                cluster: {server: "https://prod:6443"}
            contexts:
              - name: kind-kubeskippy
                context: {cluster: kind, user: kind-user}
              - name: other
                context: {cluster: prod, user: kind-user}
            users:
              - name: kind-user
                user: {client-certificate: certs/user.crt, client-key: /abs/user.key}
            """;

    @Test
    void writesTheContextAsTheCurrentOneWithAbsolutePaths() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "kubecontext-");
        Path source = Files.writeString(dir.resolve("config"), KUBECONFIG);
        Path target = dir.resolve("out/kubeconfig");

        KubeContext.writeKubeconfig(
                "kind-kubeskippy", List.of(dir.resolve("missing"), source), target);

        String written = Files.readString(target);
        assertThat(written).containsPattern("current-context: \"?kind-kubeskippy");
        assertThat(written)
                .contains(dir.toAbsolutePath().resolve("certs/ca.crt").toString())
                .contains(dir.toAbsolutePath().resolve("certs/user.crt").toString())
                .contains("/abs/user.key");
    }

    @Test
    void anUnknownContextNamesTheKnownOnes() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "kubecontext-");
        Path source = Files.writeString(dir.resolve("config"), KUBECONFIG);

        assertThatThrownBy(
                        () ->
                                KubeContext.writeKubeconfig(
                                        "kind-other", List.of(source), dir.resolve("out")))
                .isInstanceOf(DemoStartException.class)
                .hasMessageStartingWith("no kubeconfig context kind-other in [")
                .hasMessageEndingWith("; contexts: kind-kubeskippy, other");
    }
}

package io.kubeskippy.ingest.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterAccessTest {

    private static Path tempDir(String prefix) throws Exception {
        Path target = Path.of("target");
        Files.createDirectories(target);
        return Files.createTempDirectory(target, prefix);
    }

    @Test
    void explicitKubeconfigUsesItsCurrentContext() throws Exception {
        Path file = tempDir("kubeconfig-").resolve("config");
        Files.writeString(
                file,
                """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: demo
                    cluster:
                      server: https://demo.example:6443
                      insecure-skip-tls-verify: true
                contexts:
                  - name: demo
                    context: {cluster: demo, user: demo, namespace: shop}
                current-context: demo
                users:
                  - name: demo
                    user: {token: secret-token}
                """);

        ClusterAccess access = ClusterAccess.of(file, false);
        Config config = access.config();

        assertThat(access.mode()).isEqualTo(ClusterAccess.Mode.KUBECONFIG);
        assertThat(config.getMasterUrl()).isEqualTo("https://demo.example:6443/");
        assertThat(config.getNamespace()).isEqualTo("shop");
        assertThat(config.getAutoOAuthToken()).isEqualTo("secret-token");
    }

    @Test
    void missingKubeconfigFileIsAClearError() {
        ClusterAccess access = ClusterAccess.kubeconfig(Path.of("target/no-such-kubeconfig"));

        assertThatThrownBy(access::config)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("--kubeconfig target/no-such-kubeconfig");
    }

    @Test
    void inClusterOutsideAPodSaysWhatToDoInstead() {
        assertThatThrownBy(() -> ClusterAccess.inCluster().config(Map.of(), Path.of("target")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("KUBERNETES_SERVICE_HOST")
                .hasMessageContaining("--kubeconfig");
    }

    @Test
    void inClusterReadsTheServiceAccountAndRereadsARotatedToken() throws Exception {
        Path serviceAccount = tempDir("serviceaccount-");
        Files.writeString(serviceAccount.resolve("token"), "token-1\n");
        Files.writeString(serviceAccount.resolve("namespace"), "kubeskippy");

        Config config =
                ClusterAccess.inCluster()
                        .config(
                                Map.of(
                                        "KUBERNETES_SERVICE_HOST", "10.96.0.1",
                                        "KUBERNETES_SERVICE_PORT", "443"),
                                serviceAccount);

        assertThat(config.getMasterUrl()).isEqualTo("https://10.96.0.1:443/");
        assertThat(config.getNamespace()).isEqualTo("kubeskippy");
        assertThat(config.getOauthTokenProvider().getToken()).isEqualTo("token-1");
        Files.writeString(serviceAccount.resolve("token"), "token-2\n");
        assertThat(config.getOauthTokenProvider().getToken()).isEqualTo("token-2");
    }

    @Test
    void kubeconfigAndInClusterExcludeEachOther() {
        assertThatThrownBy(() -> ClusterAccess.of(Path.of("x"), true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exclude each other");
        assertThat(ClusterAccess.of(null, false).mode()).isEqualTo(ClusterAccess.Mode.DEFAULT);
        assertThat(ClusterAccess.of(null, true).mode()).isEqualTo(ClusterAccess.Mode.IN_CLUSTER);
    }

    @Test
    void optionsRejectABadNamespaceAndNormaliseTheSelector() {
        assertThatThrownBy(
                        () ->
                                ClusterWatchOptions.defaults()
                                        .withNamespaces(java.util.List.of("Shop")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Shop'");
        ClusterWatchOptions options =
                ClusterWatchOptions.defaults()
                        .withNamespaces(java.util.List.of("shop", "shop", "db"))
                        .withPodLabelSelector("  ");
        assertThat(options.namespaces()).containsExactly("shop", "db");
        assertThat(options.podLabelSelector()).isNull();
    }
}

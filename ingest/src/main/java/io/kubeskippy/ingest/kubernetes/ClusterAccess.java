package io.kubeskippy.ingest.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How ingest reaches the Kubernetes API: in-cluster (the pod's service account), the default
 * kubeconfig ({@code $KUBECONFIG} or {@code ~/.kube/config}, else in-cluster, as kubectl and
 * fabric8 resolve it), or an explicit kubeconfig file ({@code --kubeconfig F}).
 */
public final class ClusterAccess {

    /** Where Kubernetes mounts a pod's service account token, CA and namespace. */
    public static final Path SERVICE_ACCOUNT_DIR =
            Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

    /** The three ways to connect. */
    public enum Mode {
        DEFAULT,
        IN_CLUSTER,
        KUBECONFIG
    }

    private final Mode mode;
    private final Path kubeconfig;

    private ClusterAccess(Mode mode, Path kubeconfig) {
        this.mode = mode;
        this.kubeconfig = kubeconfig;
    }

    /** The default kubeconfig, falling back to in-cluster when there is none. */
    public static ClusterAccess defaultKubeconfig() {
        return new ClusterAccess(Mode.DEFAULT, null);
    }

    /** The pod's service account; fails on connect when not running in a pod. */
    public static ClusterAccess inCluster() {
        return new ClusterAccess(Mode.IN_CLUSTER, null);
    }

    /** An explicit kubeconfig file, with its current context. */
    public static ClusterAccess kubeconfig(Path file) {
        return new ClusterAccess(Mode.KUBECONFIG, Objects.requireNonNull(file, "file"));
    }

    /**
     * From the command line: {@code --kubeconfig F} (nullable) and {@code --in-cluster}; neither
     * means the default kubeconfig.
     *
     * @throws IllegalArgumentException if both are given
     */
    public static ClusterAccess of(Path kubeconfigOrNull, boolean inCluster) {
        if (kubeconfigOrNull != null && inCluster) {
            throw new IllegalArgumentException(
                    "--kubeconfig and --in-cluster exclude each other; give one of them");
        }
        if (kubeconfigOrNull != null) {
            return kubeconfig(kubeconfigOrNull);
        }
        return inCluster ? inCluster() : defaultKubeconfig();
    }

    public Mode mode() {
        return mode;
    }

    /** The kubeconfig file of {@link Mode#KUBECONFIG}, else null. */
    public Path kubeconfigFile() {
        return kubeconfig;
    }

    /**
     * The client configuration.
     *
     * @throws IllegalStateException if the chosen mode cannot work here (no such kubeconfig file,
     *     not in a pod), with what to do instead
     */
    public Config config() {
        return config(System.getenv(), SERVICE_ACCOUNT_DIR);
    }

    Config config(Map<String, String> env, Path serviceAccountDir) {
        switch (mode) {
            case KUBECONFIG:
                if (!Files.isReadable(kubeconfig)) {
                    throw new IllegalStateException(
                            "--kubeconfig " + kubeconfig + ": no such readable file");
                }
                return Config.fromKubeconfig(kubeconfig.toFile());
            case IN_CLUSTER:
                return inClusterConfig(env, serviceAccountDir);
            case DEFAULT:
            default:
                return Config.autoConfigure(null);
        }
    }

    /** A client for {@link #config()}; the caller closes it. */
    public KubernetesClient connect() {
        return new KubernetesClientBuilder().withConfig(config()).build();
    }

    private static Config inClusterConfig(Map<String, String> env, Path serviceAccountDir) {
        String host = env.get("KUBERNETES_SERVICE_HOST");
        String port = env.getOrDefault("KUBERNETES_SERVICE_PORT", "443");
        if (host == null || host.isBlank()) {
            throw new IllegalStateException(
                    "not running in a Kubernetes pod (KUBERNETES_SERVICE_HOST is not set);"
                            + " use --kubeconfig FILE or the default kubeconfig instead");
        }
        Path token = serviceAccountDir.resolve("token");
        if (!Files.isReadable(token)) {
            throw new IllegalStateException(
                    "no service account token at "
                            + token
                            + "; mount one (automountServiceAccountToken: true) or use"
                            + " --kubeconfig FILE");
        }
        String hostPort = host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
        ConfigBuilder builder =
                new ConfigBuilder(Config.empty())
                        .withMasterUrl("https://" + hostPort)
                        // Bound service account tokens rotate: read the file on every use.
                        .withOauthTokenProvider(() -> readTrimmed(token));
        Path ca = serviceAccountDir.resolve("ca.crt");
        if (Files.isReadable(ca)) {
            builder.withCaCertFile(ca.toString());
        }
        Path namespace = serviceAccountDir.resolve("namespace");
        if (Files.isReadable(namespace)) {
            builder.withNamespace(readTrimmed(namespace));
        }
        return builder.build();
    }

    private static String readTrimmed(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    @Override
    public String toString() {
        return mode == Mode.KUBECONFIG ? "kubeconfig " + kubeconfig : mode.name().toLowerCase();
    }
}

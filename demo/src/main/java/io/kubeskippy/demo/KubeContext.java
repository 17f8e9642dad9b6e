package io.kubeskippy.demo;

import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.Cluster;
import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A context of the user's kubeconfig, written as a kubeconfig of its own whose current context it
 * is, so ingest and the actuator (which take a kubeconfig file) talk to that cluster.
 */
final class KubeContext {

    private KubeContext() {}

    /**
     * Finds {@code context} in $KUBECONFIG (each file of it) or ~/.kube/config and writes a copy
     * with it as the current context to {@code target}; relative file paths in it are made
     * absolute.
     *
     * @throws DemoStartException if no kubeconfig defines the context
     */
    static Path writeKubeconfig(String context, Path target) throws DemoStartException {
        return writeKubeconfig(context, defaultFiles(), target);
    }

    /** The kubeconfig files kubectl reads: each of $KUBECONFIG, else ~/.kube/config. */
    static List<Path> defaultFiles() {
        List<Path> files = new ArrayList<>();
        String env = System.getenv("KUBECONFIG");
        if (env != null && !env.isBlank()) {
            for (String f : env.split(File.pathSeparator)) {
                if (!f.isBlank()) {
                    files.add(Path.of(f));
                }
            }
        } else {
            files.add(Path.of(System.getProperty("user.home"), ".kube", "config"));
        }
        return files;
    }

    /** As {@link #writeKubeconfig(String, Path)}, looking in {@code files}, in order. */
    static Path writeKubeconfig(String context, List<Path> files, Path target)
            throws DemoStartException {
        List<String> known = new ArrayList<>();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            Config config = KubeConfigUtils.parseConfig(file.toFile());
            if (config.getContexts() == null) {
                continue;
            }
            for (NamedContext c : config.getContexts()) {
                known.add(c.getName());
                if (context.equals(c.getName())) {
                    config.setCurrentContext(context);
                    absolutePaths(config, file.toAbsolutePath().getParent());
                    try {
                        Files.createDirectories(target.getParent());
                        KubeConfigUtils.persistKubeConfigIntoFile(config, target.toFile());
                    } catch (IOException e) {
                        throw new DemoStartException("cannot write " + target, e);
                    }
                    return target;
                }
            }
        }
        throw new DemoStartException(
                "no kubeconfig context "
                        + context
                        + " in "
                        + files
                        + (known.isEmpty() ? "" : "; contexts: " + String.join(", ", known)),
                null);
    }

    private static void absolutePaths(Config config, Path base) {
        if (config.getClusters() != null) {
            for (NamedCluster nc : config.getClusters()) {
                Cluster c = nc.getCluster();
                if (c != null) {
                    c.setCertificateAuthority(absolute(c.getCertificateAuthority(), base));
                }
            }
        }
        if (config.getUsers() != null) {
            for (NamedAuthInfo nu : config.getUsers()) {
                AuthInfo u = nu.getUser();
                if (u != null) {
                    u.setClientCertificate(absolute(u.getClientCertificate(), base));
                    u.setClientKey(absolute(u.getClientKey(), base));
                    u.setTokenFile(absolute(u.getTokenFile(), base));
                }
            }
        }
    }

    private static String absolute(String path, Path base) {
        if (path == null || path.isBlank() || Path.of(path).isAbsolute()) {
            return path;
        }
        return base.resolve(path).normalize().toString();
    }
}

package io.kubeskippy.model.policy;

import java.util.List;
import java.util.Set;

/**
 * Which objects a policy watches: namespaces (empty = all but the protected ones), a label
 * selector, and the resource kinds with excluded name globs.
 *
 * @param allowProtectedNamespaces true only when the policy names kube-system, kube-public or
 *     kube-node-lease on purpose
 */
public record Selector(
        List<String> namespaces,
        LabelSelector labelSelector,
        List<ResourceSelector> resources,
        boolean allowProtectedNamespaces) {

    /** Namespaces a policy never selects unless it says so explicitly. */
    public static final Set<String> PROTECTED_NAMESPACES =
            Set.of("kube-system", "kube-public", "kube-node-lease");

    public Selector {
        namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
        labelSelector = labelSelector == null ? LabelSelector.EVERYTHING : labelSelector;
        resources = resources == null ? List.of() : List.copyOf(resources);
    }

    /** Whether objects in {@code namespace} are selected. */
    public boolean selectsNamespace(String namespace) {
        if (namespaces.isEmpty()) {
            return allowProtectedNamespaces || !PROTECTED_NAMESPACES.contains(namespace);
        }
        return namespaces.contains(namespace);
    }
}

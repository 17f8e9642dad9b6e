package io.kubeskippy.model.record;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Deterministic HealingAction names: the same finding and action always give the same name, so a
 * replayed or retried action is recognised as a duplicate. Names are valid Kubernetes object names
 * and label values (lower-case alphanumerics and '-', at most 63 characters).
 */
public final class ActionId {

    public static final int MAX_LENGTH = 63;
    private static final int HASH_CHARS = 12;
    private static final Pattern VALID = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private ActionId() {}

    /**
     * The action name for a finding and the chosen action: {@code <policy>-<target>-<hash>}, where
     * the hash covers the finding id and action name, so neither truncation nor similar names can
     * make two different actions collide.
     */
    public static String of(String findingId, String policy, String targetName, String action) {
        ResourceRef.requireText(findingId, "findingId");
        String hash = sha256Hex(findingId + "\n" + action).substring(0, HASH_CHARS);
        String readable = sanitize(policy) + "-" + sanitize(targetName);
        int room = MAX_LENGTH - HASH_CHARS - 1;
        if (readable.length() > room) {
            readable = readable.substring(0, room);
        }
        readable = EDGE_DASHES.matcher(readable).replaceAll("");
        return readable.isEmpty() ? "ha-" + hash : readable + "-" + hash;
    }

    /** Checks that {@code name} is a valid action name. */
    public static String requireValid(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("metadata.name is required");
        }
        if (name.length() > 253 || !VALID.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "metadata.name '"
                            + name
                            + "' must be lower-case letters, digits and '-', starting and ending"
                            + " with a letter or digit");
        }
        return name;
    }

    private static final Pattern NOT_IN_NAME = Pattern.compile("[^a-z0-9-]+");
    private static final Pattern DASHES = Pattern.compile("-{2,}");
    private static final Pattern EDGE_DASHES = Pattern.compile("^-+|-+$");

    private static String sanitize(String text) {
        if (text == null) {
            return "";
        }
        String s = NOT_IN_NAME.matcher(text.toLowerCase(Locale.ROOT)).replaceAll("-");
        return EDGE_DASHES.matcher(DASHES.matcher(s).replaceAll("-")).replaceAll("");
    }

    private static String sha256Hex(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}

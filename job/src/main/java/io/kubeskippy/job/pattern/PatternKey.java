package io.kubeskippy.job.pattern;

/**
 * The key of one pattern instance: a trigger of a policy version, on one target. Written as {@code
 * policy|version|target|trigger}; policy names, versions and target ids cannot contain '|', so the
 * trigger name (which can) goes last.
 */
public record PatternKey(String policy, String version, String target, String trigger) {

    private static final char SEPARATOR = '|';

    public PatternKey {
        for (String part : new String[] {policy, version, target}) {
            if (part == null || part.indexOf(SEPARATOR) >= 0) {
                throw new IllegalArgumentException("invalid key part: " + part);
            }
        }
        if (trigger == null) {
            throw new IllegalArgumentException("trigger is required");
        }
    }

    public String format() {
        return policy + SEPARATOR + version + SEPARATOR + target + SEPARATOR + trigger;
    }

    public static PatternKey parse(String key) {
        String[] parts = key.split("\\|", 4);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not a pattern key: " + key);
        }
        return new PatternKey(parts[0], parts[1], parts[2], parts[3]);
    }

    @Override
    public String toString() {
        return format();
    }
}

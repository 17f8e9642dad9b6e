package io.kubeskippy.job.source;

import java.util.List;

/**
 * How a {@link TriggerInput} names the triggers it feeds: {@code policy|version|index} per trigger
 * (the index of the trigger in its policy version, whose content the version fixes), joined by
 * {@code ;}. Policy names are DNS names and versions hex, so neither separator can occur in them;
 * trigger names, which may hold anything, are left out. Pure.
 */
public final class TriggerRefs {

    static final char TRIGGER_SEPARATOR = ';';

    private TriggerRefs() {}

    /** The ref of the {@code index}-th trigger of a policy version. */
    public static String of(String policy, String version, int index) {
        return policy + '|' + version + '|' + index;
    }

    /** Refs joined into one string. */
    public static String join(List<String> refs) {
        return String.join(String.valueOf(TRIGGER_SEPARATOR), refs);
    }

    /** The refs of a joined string, in order. */
    public static String[] split(String refs) {
        return refs.split(String.valueOf(TRIGGER_SEPARATOR), -1);
    }

    /** One ref's parts: policy, version, index. */
    public record Ref(String policy, String version, int index) {}

    /**
     * @throws IllegalArgumentException if {@code ref} is not {@code policy|version|index}
     */
    public static Ref parse(String ref) {
        int a = ref.indexOf('|');
        int b = a < 0 ? -1 : ref.indexOf('|', a + 1);
        if (b < 0) {
            throw new IllegalArgumentException("not a trigger ref: " + ref);
        }
        try {
            return new Ref(
                    ref.substring(0, a),
                    ref.substring(a + 1, b),
                    Integer.parseInt(ref.substring(b + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a trigger ref: " + ref, e);
        }
    }
}

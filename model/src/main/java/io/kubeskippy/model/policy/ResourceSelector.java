package io.kubeskippy.model.policy;

import java.util.List;
import java.util.regex.Pattern;

/** A resource kind a policy applies to (or protects), minus names matching a glob. */
public record ResourceSelector(String apiVersion, String kind, List<String> excludeNames) {

    public ResourceSelector {
        excludeNames = excludeNames == null ? List.of() : List.copyOf(excludeNames);
    }

    /** Whether this selector covers {@code kind} (any apiVersion when none is given). */
    public boolean coversKind(String otherApiVersion, String otherKind) {
        return kind.equals(otherKind)
                && (apiVersion == null
                        || apiVersion.isEmpty()
                        || apiVersion.equals(otherApiVersion));
    }

    /** Whether {@code name} matches one of the exclusion globs ({@code *} and {@code ?}). */
    public boolean excludes(String name) {
        for (String glob : excludeNames) {
            if (globToRegex(glob).matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }

    static Pattern globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}

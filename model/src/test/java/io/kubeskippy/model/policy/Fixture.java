package io.kubeskippy.model.policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A policy file under {@code policies/} and what its header comments say about it.
 *
 * <p>Diagnostics name files as the repository root sees them ({@code
 * policies/testdata/bad/14-no-triggers.yaml:12: ...}), whatever directory the tests run in
 * (surefire runs them in {@code model/}): the file is read with {@link PolicyReader#readFile} from
 * its real location and each diagnostic is then re-labelled with {@link #name()}, the
 * repository-relative path, so the {@code # expect:} lines read the same as {@code skippy policy
 * check policies/...} run from the root.
 *
 * <p>Header comments, before the document:
 *
 * <ul>
 *   <li>{@code # expect: <Diagnostic.format()>}: in a bad file, each error, in order; in a good
 *       file, each warning or notice, in order.
 *   <li>{@code # crd: reject|accept} (bad files only): whether the CRD's schema alone (as kubectl's
 *       strict validation applies it) rejects the file. Rules that compare two values (min <= max,
 *       unique names) cannot be written in a schema.
 * </ul>
 *
 * @param file where the file is
 * @param name the path relative to the repository root, with '/' separators
 */
record Fixture(Path file, String name, List<String> expects, Crd crd) {

    static final String EXPECT = "# expect: ";
    static final String CRD = "# crd: ";

    /** Whether the CRD schema rejects a bad fixture. */
    enum Crd {
        REJECT,
        ACCEPT,
        UNSPECIFIED
    }

    /** The repository root: the nearest directory up from here that has {@code policies/}. */
    static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("policies/testdata"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "no policies/testdata above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    static List<Fixture> good() {
        return under("policies/testdata/good");
    }

    static List<Fixture> bad() {
        return under("policies/testdata/bad");
    }

    /** Every {@code .yaml}/{@code .yml} file under {@code dir} (repository-relative), sorted. */
    static List<Fixture> under(String dir) {
        Path root = repoRoot();
        Path base = root.resolve(dir);
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(base)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted()
                    .map(p -> of(root, p))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Fixture of(Path root, Path file) {
        String name = root.relativize(file).toString().replace('\\', '/');
        List<String> expects = new ArrayList<>();
        Crd crd = Crd.UNSPECIFIED;
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.startsWith("#")) {
                    break;
                }
                if (line.startsWith(EXPECT)) {
                    expects.add(line.substring(EXPECT.length()));
                } else if (line.startsWith(CRD)) {
                    crd = Crd.valueOf(line.substring(CRD.length()).trim().toUpperCase());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Fixture(file, name, List.copyOf(expects), crd);
    }

    /** Reads the file with {@link PolicyReader#readFile}. */
    PolicyFile read() {
        return PolicyReader.readFile(file);
    }

    /**
     * Every diagnostic of {@link #read()}, formatted, with the source re-labelled to {@link
     * #name()}.
     */
    List<String> formatted(PolicyFile read, boolean errors) {
        return read.diagnostics().stream()
                .filter(d -> d.isError() == errors)
                .map(d -> relabel(d).format())
                .toList();
    }

    Diagnostic relabel(Diagnostic d) {
        if (!d.source().equals(file.toString())) {
            throw new AssertionError(
                    "the reader named " + file + " '" + d.source() + "' in: " + d.format());
        }
        return new Diagnostic(d.severity(), name, d.line(), d.path(), d.message());
    }

    String text() {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}

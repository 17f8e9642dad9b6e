package io.kubeskippy.ingest.policy;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A directory of policy files, and how to notice that it changed.
 *
 * <p>The policy files are the {@code *.yaml}, {@code *.yml} and {@code *.json} entries directly in
 * the directory, symlinks followed; names starting with a dot are skipped. That reads a ConfigMap
 * mount right: there each file is a symlink {@code x.yaml -> ..data/x.yaml}, {@code ..data} is a
 * symlink to a hidden timestamped directory, and an update swaps {@code ..data} atomically.
 *
 * <p>Changes are seen through a {@link WatchService} on the directory and on every directory a
 * policy file's symlink resolves into, since a watch does not follow symlinks: an in-place edit of
 * a symlink's target elsewhere raises no event on the directory itself. The caller also rescans
 * periodically, for file systems without reliable events.
 */
final class PolicyDirectory implements Closeable {

    /** Files larger than this are not read whole; PolicyReader.readFile reports them. */
    static final long MAX_READ_BYTES = 16L * 1024 * 1024;

    /** One policy file's current content. */
    record FileContent(Path path, byte[] bytes, String sha256) {}

    private final Path directory;
    private final WatchService watchService;
    private final Map<Path, WatchKey> watched = new HashMap<>();

    PolicyDirectory(Path directory) throws IOException {
        this.directory = directory.toAbsolutePath().normalize();
        this.watchService = FileSystems.getDefault().newWatchService();
    }

    Path path() {
        return directory;
    }

    static boolean isPolicyFileName(String name) {
        if (name.startsWith(".")) {
            return false;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json");
    }

    /**
     * Reads every policy file, by path. A file that vanishes while being read is left out (a
     * ConfigMap swap in progress); the next scan sees the new one.
     *
     * @throws IOException if the directory itself cannot be listed
     */
    SortedMap<String, FileContent> scan() throws IOException {
        SortedMap<String, FileContent> files = new TreeMap<>();
        Set<Path> toWatch = new HashSet<>();
        toWatch.add(directory);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                if (!isPolicyFileName(entry.getFileName().toString())
                        || !Files.isRegularFile(entry)) {
                    continue;
                }
                try {
                    Path real = entry.toRealPath();
                    if (real.getParent() != null && !real.getParent().equals(directory)) {
                        toWatch.add(real.getParent());
                    }
                    long size = Files.size(real);
                    if (size > MAX_READ_BYTES) {
                        String key = "large:" + size + ":" + Files.getLastModifiedTime(real);
                        files.put(entry.toString(), new FileContent(entry, null, key));
                    } else {
                        byte[] bytes = Files.readAllBytes(real);
                        files.put(entry.toString(), new FileContent(entry, bytes, sha256(bytes)));
                    }
                } catch (NoSuchFileException e) {
                    // Deleted or swapped between listing and reading.
                } catch (IOException e) {
                    // Unreadable: PolicyReader.readFile turns this into the file's error.
                    files.put(entry.toString(), new FileContent(entry, null, "unreadable"));
                }
            }
        } finally {
            watch(toWatch);
        }
        return files;
    }

    /**
     * Waits until something changed in a watched directory, then until it has been quiet for {@code
     * quiet} (an editor writes a file in several steps; a ConfigMap swap is several renames), at
     * most one more second.
     *
     * @return whether a change was seen before {@code timeout}
     */
    boolean awaitChange(Duration timeout, Duration quiet) throws InterruptedException {
        WatchKey key = watchService.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (key == null) {
            return false;
        }
        drain(key);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() < deadline) {
            WatchKey more = watchService.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
            if (more == null) {
                break;
            }
            drain(more);
        }
        return true;
    }

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }

    /** Watches exactly {@code directories}, re-registering ones whose key went invalid. */
    private void watch(Set<Path> directories) {
        for (Iterator<Map.Entry<Path, WatchKey>> it = watched.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<Path, WatchKey> e = it.next();
            if (!directories.contains(e.getKey()) || !e.getValue().isValid()) {
                e.getValue().cancel();
                it.remove();
            }
        }
        for (Path dir : directories) {
            if (watched.containsKey(dir) || !Files.isDirectory(dir)) {
                continue;
            }
            try {
                watched.put(
                        dir,
                        dir.register(
                                watchService,
                                StandardWatchEventKinds.ENTRY_CREATE,
                                StandardWatchEventKinds.ENTRY_DELETE,
                                StandardWatchEventKinds.ENTRY_MODIFY));
            } catch (IOException e) {
                // Not watchable (gone, or too many watches): the periodic rescan still sees it.
            }
        }
    }

    /** The directories currently watched (for tests). */
    Set<Path> watchedDirectories() {
        return Set.copyOf(watched.keySet());
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public void close() throws IOException {
        watchService.close();
    }
}

package io.kubeskippy.ingest;

/** Test-class teardown: closes what a test class started, in order, skipping what never started. */
public final class Resources {

    private Resources() {}

    /**
     * Closes each non-null resource in the order given, all of them even if one fails; then
     * rethrows the first failure.
     */
    public static void closeAll(AutoCloseable... resources) {
        RuntimeException failure = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("cannot close " + resource, e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}

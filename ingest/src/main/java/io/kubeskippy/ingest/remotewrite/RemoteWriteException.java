package io.kubeskippy.ingest.remotewrite;

import io.kubeskippy.ingest.IngestCounters.Rejection;

/** A remote_write request that is answered with an error status and a one-line reason. */
public final class RemoteWriteException extends Exception {

    private static final long serialVersionUID = 1L;

    private final Rejection rejection;

    public RemoteWriteException(Rejection rejection, String reason) {
        super(reason, null, false, false);
        this.rejection = rejection;
    }

    public Rejection rejection() {
        return rejection;
    }

    public int status() {
        return rejection.status();
    }
}

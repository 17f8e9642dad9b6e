package io.kubeskippy.job.feature;

import java.io.DataInput;
import java.io.IOException;

/** Checks shared by the state readers, so a corrupt or foreign snapshot fails loudly. */
final class StateIo {

    private StateIo() {}

    /** Reads the leading format byte and refuses any version this code does not know. */
    static void readVersion(DataInput in, int expected, String what) throws IOException {
        int version = in.readUnsignedByte();
        if (version != expected) {
            throw new IOException(
                    what + " state has format version " + version + ", expected " + expected);
        }
    }

    static void check(boolean ok, String what, String message) throws IOException {
        if (!ok) {
            throw new IOException(what + " state is corrupt: " + message);
        }
    }
}

package io.kubeskippy.model.serde;

import io.kubeskippy.model.record.DeadLetter;

/**
 * The result of reading one record: a value, a tombstone (a null value on a compacted topic), or a
 * dead letter saying why the record could not be read. Reading never throws.
 */
public sealed interface Decoded<T> {

    /** A record that was read. */
    record Value<T>(String key, T value) implements Decoded<T> {}

    /** A null value: the key was deleted. */
    record Tombstone<T>(String key) implements Decoded<T> {}

    /** A record that could not be read. */
    record Invalid<T>(DeadLetter deadLetter) implements Decoded<T> {}
}

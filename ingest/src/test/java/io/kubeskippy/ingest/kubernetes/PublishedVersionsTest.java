package io.kubeskippy.ingest.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.ingest.kubernetes.PublishedVersions.Version;
import org.junit.jupiter.api.Test;

class PublishedVersionsTest {

    @Test
    void forgetsTheLeastRecentlyPublishedBeyondItsBound() {
        PublishedVersions versions = new PublishedVersions(2);
        versions.put("shop/a", new Version("ua", "1"));
        versions.put("shop/b", new Version("ub", "1"));
        versions.put("shop/a", new Version("ua", "2")); // a is now the most recent
        versions.put("shop/c", new Version("uc", "1"));

        assertThat(versions.size()).isEqualTo(2);
        assertThat(versions.get("shop/b")).isNull();
        assertThat(versions.get("shop/a")).isEqualTo(new Version("ua", "2"));
        assertThat(versions.evicted()).isEqualTo(1);
    }

    @Test
    void forgetsOnlyTheVersionItWasAskedTo() {
        PublishedVersions versions = new PublishedVersions(10);
        versions.put("shop/a", new Version("ua", "1"));
        versions.put("shop/a", new Version("ua", "2"));

        // A late failure of version 1 must not forget that version 2 is out.
        assertThat(versions.forget("shop/a", new Version("ua", "1"))).isFalse();
        assertThat(versions.get("shop/a")).isEqualTo(new Version("ua", "2"));
        assertThat(versions.forget("shop/a", new Version("ua", "2"))).isTrue();
        assertThat(versions.size()).isZero();
    }
}

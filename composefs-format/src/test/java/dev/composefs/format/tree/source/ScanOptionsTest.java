package dev.composefs.format.tree.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.store.ObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanOptionsTest {
    @TempDir
    Path tmp;

    @Test
    void defaultsAreTheDescriptorEraOnes() {
        ScanOptions d = ScanOptions.defaults();
        assertFalse(d.useEpoch() || d.skipXattrs() || d.userXattrsOnly() || d.skipDevices() || d.hardlinks());
        assertEquals(PayloadMode.RELATIVE_PATH, d.payloadMode());
        assertFalse(d.storesDigests());
        assertEquals(0, d.inlineThreshold());
        assertEquals(Runtime.getRuntime().availableProcessors(), d.threads());
        assertNull(d.digestStore());
    }

    @Test
    void withersChangeOneField() {
        ScanOptions d = ScanOptions.defaults();
        assertEquals(d, d.withUseEpoch(true).withUseEpoch(false));
        assertTrue(d.withSkipXattrs(true).skipXattrs());
        assertTrue(d.withUserXattrsOnly(true).userXattrsOnly());
        assertTrue(d.withSkipDevices(true).skipDevices());
        assertTrue(d.withHardlinks(true).hardlinks());
        assertTrue(d.withComputeDigests(true).storesDigests());
        assertTrue(d.withPayloadMode(PayloadMode.DIGEST_PATH).storesDigests());
        assertEquals(64, d.withInlineThreshold(64).inlineThreshold());
        assertEquals(3, d.withThreads(3).threads());
    }

    @Test
    void aDigestStoreImpliesDigestPaths() throws IOException {
        ObjectStore store = ObjectStore.open(tmp.resolve("store"));
        ScanOptions o = ScanOptions.defaults().withDigestStore(store);
        assertSame(store, o.digestStore());
        assertEquals(PayloadMode.DIGEST_PATH, o.payloadMode());
        assertThrows(IllegalArgumentException.class, () -> o.withPayloadMode(PayloadMode.RELATIVE_PATH));
    }

    @Test
    void outOfRangeValuesAreRejected() {
        ScanOptions d = ScanOptions.defaults();
        assertThrows(IllegalArgumentException.class, () -> d.withInlineThreshold(-1));
        assertThrows(IllegalArgumentException.class, () -> d.withInlineThreshold(ScanOptions.MAX_INLINE_THRESHOLD + 1));
        assertThrows(IllegalArgumentException.class, () -> d.withThreads(0));
        assertThrows(NullPointerException.class, () -> d.withPayloadMode(null));
    }
}

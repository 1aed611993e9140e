package io.sightline.storage.engine;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageContractTest;

/**
 * The contract after the normal cut policy ran (older data in blocks, the newest in the head) and the store
 * restarted: blocks reopen from disk, the head from the WAL, and reads merge both.
 */
class BlockRestartStorageContractTest extends StorageContractTest {
    @Override
    protected Storage settle(Storage written) {
        ((StorageEngine) written).cutBlocks();
        written.close();
        return Storage.open(config(), OpenTelemetry.noop().getMeter("test"));
    }
}

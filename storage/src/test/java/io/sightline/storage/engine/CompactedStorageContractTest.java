package io.sightline.storage.engine;

import io.sightline.storage.Storage;
import io.sightline.storage.StorageContractTest;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract after the head was moved into blocks and adjacent blocks were merged by compaction. */
class CompactedStorageContractTest extends StorageContractTest {
    @Override
    protected Storage settle(Storage written) {
        StorageEngine engine = (StorageEngine) written;
        engine.flushHead();
        int before = engine.stats().blocks();
        if (engine.compactBlocks() > 0) {
            assertThat(engine.stats().blocks()).isLessThan(before);
        }
        return written;
    }
}

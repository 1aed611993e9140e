package io.sightline.storage.engine;

import io.sightline.storage.Storage;
import io.sightline.storage.StorageContractTest;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract with every sample moved out of the head into freshly cut, memory-mapped blocks. */
class BlockStorageContractTest extends StorageContractTest {
    @Override
    protected Storage settle(Storage written) {
        StorageEngine engine = (StorageEngine) written;
        if (engine.head().maxTime() != Long.MIN_VALUE) {
            assertThat(engine.flushHead()).isPositive();
        }
        assertThat(engine.stats().headSeries()).isZero();
        return written;
    }
}

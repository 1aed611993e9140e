package io.sightline.storage.engine;

import io.sightline.storage.Storage;
import io.sightline.storage.StorageContractTest;

/** The contract with every sample still in the in-memory head. */
class HeadStorageContractTest extends StorageContractTest {
    @Override
    protected Storage settle(Storage written) {
        return written;
    }
}

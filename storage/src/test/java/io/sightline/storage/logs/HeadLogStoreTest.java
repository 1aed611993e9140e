package io.sightline.storage.logs;

import io.sightline.storage.LogStore;
import io.sightline.storage.LogStoreContractTest;

/** The contract with every record still in the head. */
class HeadLogStoreTest extends LogStoreContractTest {
    @Override
    protected LogStore settle(LogStore written) {
        return written;
    }
}

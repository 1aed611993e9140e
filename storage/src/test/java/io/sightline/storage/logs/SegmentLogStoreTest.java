package io.sightline.storage.logs;

import io.sightline.storage.LogStore;
import io.sightline.storage.LogStoreContractTest;

/** The contract with every record in a freshly cut segment. */
class SegmentLogStoreTest extends LogStoreContractTest {
    @Override
    protected LogStore settle(LogStore written) {
        written.cutSegment();
        return written;
    }
}

package io.sightline.storage.traces;

import io.sightline.storage.TraceStore;
import io.sightline.storage.TraceStoreContractTest;

/** The contract answered from the head (spans only in memory and the WAL). */
class HeadTraceStoreTest extends TraceStoreContractTest {
    @Override
    protected TraceStore settle(TraceStore written) {
        return written;
    }
}

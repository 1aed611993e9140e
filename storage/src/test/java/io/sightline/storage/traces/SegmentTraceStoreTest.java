package io.sightline.storage.traces;

import io.sightline.storage.TraceStore;
import io.sightline.storage.TraceStoreContractTest;

/** The contract answered from a freshly cut segment. */
class SegmentTraceStoreTest extends TraceStoreContractTest {
    @Override
    protected TraceStore settle(TraceStore written) {
        written.cutSegment();
        return written;
    }
}

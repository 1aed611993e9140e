package io.sightline.storage.traces;

import io.sightline.storage.TraceStore;
import io.sightline.storage.TraceStoreContractTest;

/**
 * The contract after restarts: the WAL replayed into the head, cut into a segment, and that segment and the
 * trace-id index reopened from disk.
 */
class RestartTraceStoreTest extends TraceStoreContractTest {
    @Override
    protected TraceStore settle(TraceStore written) {
        written.close();
        TraceStore reopened = reopen();
        reopened.cutSegment();
        reopened.close();
        return reopen();
    }
}

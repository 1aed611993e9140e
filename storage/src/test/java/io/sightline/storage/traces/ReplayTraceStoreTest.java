package io.sightline.storage.traces;

import io.sightline.storage.TraceStore;
import io.sightline.storage.TraceStoreContractTest;

/** The contract after a restart that replays the WAL into the head. */
class ReplayTraceStoreTest extends TraceStoreContractTest {
    @Override
    protected TraceStore settle(TraceStore written) {
        written.close();
        return reopen();
    }
}

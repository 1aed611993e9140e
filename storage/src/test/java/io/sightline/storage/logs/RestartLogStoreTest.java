package io.sightline.storage.logs;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.LogStore;
import io.sightline.storage.LogStoreContractTest;

/**
 * The contract after restarts: the WAL replayed into the head, cut into a segment, and that segment
 * reopened from disk.
 */
class RestartLogStoreTest extends LogStoreContractTest {
    @Override
    protected LogStore settle(LogStore written) {
        written.close();
        LogStore reopened = LogStore.open(config(), OpenTelemetry.noop().getMeter("test"));
        reopened.cutSegment();
        reopened.close();
        return LogStore.open(config(), OpenTelemetry.noop().getMeter("test"));
    }
}

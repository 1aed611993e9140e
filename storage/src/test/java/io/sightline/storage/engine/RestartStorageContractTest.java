package io.sightline.storage.engine;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageContractTest;

/** The contract after a clean restart: everything comes back from the WAL and the series registry. */
class RestartStorageContractTest extends StorageContractTest {
    @Override
    protected Storage settle(Storage written) {
        written.close();
        return Storage.open(config(), OpenTelemetry.noop().getMeter("test"));
    }
}

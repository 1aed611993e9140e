package io.sightline.storage.logs;

import io.sightline.storage.LogAppender;
import io.sightline.storage.LogStore;
import io.sightline.storage.LogStoreContractTest;
import io.sightline.storage.model.LogRecord;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract after compaction: each commit is split into up to four commits, each cut into its own segment
 * (so a stream's rows and late records spread over several), then every segment is merged into one.
 */
class CompactedLogStoreTest extends LogStoreContractTest {
    private static final int PARTS = 4;

    @Override
    protected void commit(LogRecord... records) {
        int per = Math.max(1, (records.length + PARTS - 1) / PARTS);
        for (int from = 0; from < records.length; from += per) {
            LogAppender a = store.appender();
            Arrays.stream(records, from, Math.min(records.length, from + per)).forEach(a::append);
            a.commit();
            store.cutSegment();
        }
    }

    @Override
    protected LogStore settle(LogStore written) {
        LogEngine engine = (LogEngine) written;
        engine.cutSegment();
        int before = engine.segmentCount();
        engine.compact(2);
        assertThat(engine.segmentCount()).as("merged from %d segments", before).isEqualTo(Math.min(before, 1));
        return written;
    }
}

package io.sightline.ingest;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import static io.sightline.ingest.RemoteWritePayload.labels;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Allocation regression test of the remote-write intake: once its series exist, a request costs a bounded number of
 * bytes whatever its size, nothing per sample. Counts the bytes the handling thread allocates (exact, not sampled, and
 * independent of the machine's load); the bound catches an object or array per sample (16 B and up) or per request
 * body (the compressed body alone is ~14 B per sample), not the few hundred bytes of a request's own objects.
 */
class RemoteWriteAllocationTest extends AbstractRemoteWriteTest {
    private static final int SERIES = 2_000;
    private static final int ROUNDS = 25;
    private static final long T0 = (System.currentTimeMillis() / 60_000) * 60_000 - 60L * 60_000;

    @Test
    void aRequestOfSeriesSeenBeforeAllocatesNothingPerSample() throws Exception {
        start(IngestFixture.localConfig());
        byte[][] bodies = new byte[ROUNDS][];
        for (int round = 0; round < ROUNDS; round++) { // built first: the builder's garbage is not the server's
            RemoteWritePayload payload = new RemoteWritePayload();
            for (int i = 0; i < SERIES; i++) {
                payload.series(labels("__name__", "http_requests_total", "job", "api",
                        "instance", "host-" + i / 100 + ":9100", "route", "/r" + i % 100, "code", "200"),
                        T0 + round * 15_000L, round * 10 + i % 7);
            }
            bodies[round] = payload.snappy();
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().threadId();
        double[] bytesPerSample = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            byte[] body = bodies[round];
            long before = threads.getThreadAllocatedBytes(self);
            OtlpHttpReply r = fixture.service.handleRemoteWrite(PROTOBUF, "snappy", body.length,
                    (dst, offset) -> System.arraycopy(body, 0, dst, offset, body.length));
            bytesPerSample[round] = (threads.getThreadAllocatedBytes(self) - before) / (double) SERIES;
            assertThat(r.status()).isEqualTo(204);
        }

        // The first round creates the series (labels, cache entries, storage's series): that one allocates.
        assertThat(bytesPerSample[0]).isGreaterThan(100);
        double[] later = Arrays.copyOfRange(bytesPerSample, 5, ROUNDS);
        Arrays.sort(later);
        assertThat(later[later.length / 2]).as("median bytes per sample of rounds 5-%d: %s", ROUNDS - 1,
                Arrays.toString(bytesPerSample)).isLessThan(4);
    }
}

package io.sightline.storage.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Locks the version-1 byte format: golden bytes for small chunks (which must keep decoding the same way
 * forever, whatever the encoder later prefers) and encoded sizes for known inputs. If one of these fails
 * after a change, either the change broke the format, or it is a deliberate new version: then keep these
 * fixtures as version-1 read tests and add new ones (see storage/docs/format/chunk.md "Versioning").
 */
class ChunkFormatLockTest {
    private static final long T0 = 1_764_000_000_000L;
    private static final HexFormat HEX = HexFormat.of();

    /** 1000 → 1.0, 16000 → 1.0, 31000 → 2.5, 46001 → NaN, as a head chunk writes it. */
    private static final String HEAD_CHUNK_V1 = "011104d00fc9df0204c75308013ff00000000000006137ffb3ffc0";
    /** 120 samples 15 s apart from T0, values 100 + 7 i: grid timestamps (one spec), decimal delta-of-delta. */
    private static final String REGULAR_COUNTER_V1 = "01337880a0bfe9d666a8f96c02000000c8010e0000";
    /** The same samples with delta-of-delta timestamps, as the encoder wrote them before it preferred the grid. */
    private static final String REGULAR_COUNTER_DOD_V1 = "01327880a0bfe9d666a8f96c05b0ea01000000c8010e0000";

    @Test
    void headChunkBytesAreLocked() {
        HeadChunk head = new HeadChunk(4);
        head.append(1000, 1.0);
        head.append(16000, 1.0);
        head.append(31000, 2.5);
        head.append(46001, Double.NaN);
        ChunkBuffer out = new ChunkBuffer(0);
        head.encodeTo(out);
        assertThat(HEX.formatHex(out.toByteArray())).isEqualTo(HEAD_CHUNK_V1);
    }

    @Test
    void version1HeadChunkFixtureDecodes() {
        byte[] chunk = HEX.parseHex(HEAD_CHUNK_V1);
        ChunkIterator it = new ChunkIterator().reset(chunk, 0, chunk.length);
        ChunkRoundTrip.assertDecodes("v1 head fixture", it, new long[] {1000, 16000, 31000, 46001},
                new double[] {1.0, 1.0, 2.5, Double.NaN});
    }

    @Test
    void regularCounterEncodesToTheLockedBytes() {
        ChunkEncoder encoder = new ChunkEncoder();
        for (int i = 0; i < 120; i++) {
            encoder.append(T0 + i * 15_000L, 100 + 7 * i);
        }
        byte[] chunk = encoder.encode();
        assertThat(HEX.formatHex(chunk)).isEqualTo(REGULAR_COUNTER_V1);
        assertThat(chunk).hasSize(21); // 0.18 bytes per sample: header 12, timestamps 2, values 7
    }

    @Test
    void version1RegularCounterFixturesDecode() {
        long[] ts = new long[120];
        double[] vs = new double[120];
        for (int i = 0; i < 120; i++) {
            ts[i] = T0 + i * 15_000L;
            vs[i] = 100 + 7 * i;
        }
        for (String fixture : new String[] {REGULAR_COUNTER_V1, REGULAR_COUNTER_DOD_V1}) {
            byte[] chunk = HEX.parseHex(fixture);
            ChunkRoundTrip.assertDecodes("v1 fixture " + fixture, new ChunkIterator().reset(chunk, 0, chunk.length),
                    ts, vs);
        }
    }

    @Test
    void encodedSizesOfKnownInputsAreLocked() {
        check(65, ChunkFormat.TIMESTAMP_GRID_PACKED, ChunkFormat.VALUE_DECIMAL_DOD, i -> 0.25 * (i % 9), 0);
        check(71, ChunkFormat.TIMESTAMP_GRID_PACKED, ChunkFormat.VALUE_DECIMAL_DOD, i -> i < 60 ? 1000 + i * i : i, 0);
        check(919, ChunkFormat.TIMESTAMP_DOD_PACKED, ChunkFormat.VALUE_XOR_PACKED, Math::sin, 1);
        check(156, ChunkFormat.TIMESTAMP_GRID_PACKED, ChunkFormat.VALUE_DECIMAL_DOD, i -> 5 + (i * 31) % 17, 3);
    }

    private static void check(int expectedBytes, int timestampEncoding, int valueEncoding,
                              java.util.function.IntToDoubleFunction value, int jitter) {
        ChunkEncoder encoder = new ChunkEncoder();
        for (int i = 0; i < 120; i++) {
            // jitter 1: the interval doubles halfway (delta-of-deltas win); 3: scattered offsets (the grid wins)
            long offset = jitter == 1 ? Math.max(0, i - 60) * 15_000L : jitter * ((i * i * 7 + 3) % 11);
            encoder.append(T0 + i * 15_000L + offset, value.applyAsDouble(i));
        }
        byte[] chunk = encoder.encode();
        assertThat(chunk).hasSize(expectedBytes);
        assertThat(chunk[1] & 0x0F).as("timestamp encoding").isEqualTo(timestampEncoding);
        assertThat((chunk[1] & 0xFF) >>> 4).as("value encoding").isEqualTo(valueEncoding);
    }
}

package io.sightline.storage.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sightline.storage.StorageException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ChunkIteratorTest {
    private static final long[] TS = {1_000, 2_000, 3_000, 5_000, 8_000};
    private static final double[] VS = {1, 2, 3, 4, 5};

    @Test
    void seekBeforeFirstSampleLandsOnFirst() {
        for (ChunkIterator it : allForms()) {
            assertThat(it.seek(-5)).isTrue();
            assertThat(it.timestamp()).isEqualTo(1_000);
            assertThat(it.value()).isEqualTo(1);
        }
    }

    @Test
    void seekToExactTimestampLandsOnIt() {
        for (ChunkIterator it : allForms()) {
            assertThat(it.seek(3_000)).isTrue();
            assertThat(it.timestamp()).isEqualTo(3_000);
            assertThat(it.value()).isEqualTo(3);
            assertThat(it.next()).isTrue();
            assertThat(it.timestamp()).isEqualTo(5_000);
        }
    }

    @Test
    void seekBetweenSamplesLandsOnTheNextOne() {
        for (ChunkIterator it : allForms()) {
            assertThat(it.seek(5_500)).isTrue();
            assertThat(it.timestamp()).isEqualTo(8_000);
            assertThat(it.value()).isEqualTo(5);
        }
    }

    @Test
    void seekPastTheEndExhaustsTheIterator() {
        for (ChunkIterator it : allForms()) {
            assertThat(it.seek(8_001)).isFalse();
            assertThat(it.next()).isFalse();
            assertThat(it.seek(0)).isFalse();
        }
    }

    @Test
    void seekToAnEarlierTimeKeepsTheCurrentSample() {
        for (ChunkIterator it : allForms()) {
            assertThat(it.next()).isTrue();
            assertThat(it.next()).isTrue();
            assertThat(it.seek(1_500)).isTrue();
            assertThat(it.timestamp()).isEqualTo(2_000);
            assertThat(it.seek(2_000)).isTrue();
            assertThat(it.timestamp()).isEqualTo(2_000);
        }
    }

    @Test
    void seekToTheLastSampleThenNextIsExhausted() {
        for (ChunkIterator it : allForms()) {
            assertThat(it.seek(8_000)).isTrue();
            assertThat(it.value()).isEqualTo(5);
            assertThat(it.next()).isFalse();
        }
    }

    @Test
    void oneIteratorIsReusableAcrossChunksOfEveryEncoding() {
        ChunkIterator it = new ChunkIterator();
        ChunkEncoder encoder = new ChunkEncoder();
        HeadChunk head = new HeadChunk(4);
        for (int round = 0; round < 3; round++) {
            for (int encoding : new int[] {ChunkFormat.VALUE_XOR, ChunkFormat.VALUE_DECIMAL_DELTA,
                ChunkFormat.VALUE_DECIMAL_DOD}) {
                encoder.reset();
                head.reset();
                for (int i = 0; i < 50 + round; i++) {
                    encoder.append(i * 10L + round, i * 1.5 + round);
                    head.append(i * 10L + round, i * 1.5 + round);
                }
                ChunkBuffer out = new ChunkBuffer(16);
                int length = encoder.encode(out, encoding);
                it.reset(out.array(), 0, length);
                assertSequence(it, 50 + round, round);
                it.reset(head);
                assertSequence(it, 50 + round, round);
            }
        }
    }

    @Test
    void exposesDecodedArraysAndTheHeaderCountWithoutDecoding() {
        ChunkEncoder encoder = new ChunkEncoder();
        ChunkBuffer out = new ChunkBuffer(0);
        out.writeByte(0xAB); // the chunk need not start at offset 0
        int length = encoder.encode(TS, VS, TS.length, out);
        java.lang.foreign.MemorySegment segment = java.lang.foreign.MemorySegment.ofArray(out.toByteArray());
        assertThat(ChunkFormat.sampleCount(segment, 1, length)).isEqualTo(TS.length);
        assertThatThrownBy(() -> ChunkFormat.sampleCount(segment, 0, length))
                .isInstanceOf(StorageException.class).hasMessageContaining("offset 0");

        ChunkIterator it = new ChunkIterator().reset(segment, 1, length);
        assertThat(Arrays.copyOf(it.decodedTimestamps(), it.count())).containsExactly(TS);
        assertThat(Arrays.copyOf(it.decodedValues(), it.count())).containsExactly(VS);
        assertThat(it.next()).isTrue();
        assertThat(it.timestamp()).isEqualTo(TS[0]);
    }

    @Test
    void headChunkIteratorSeesOnlySamplesAppendedBeforeReset() {
        HeadChunk head = new HeadChunk(1);
        ChunkIterator it = new ChunkIterator();
        assertThat(it.reset(head).next()).isFalse();
        head.append(10, 1);
        head.append(20, 2);
        it.reset(head);
        head.append(30, 3);
        assertThat(it.count()).isEqualTo(2);
        assertThat(it.next()).isTrue();
        assertThat(it.next()).isTrue();
        assertThat(it.timestamp()).isEqualTo(20);
        assertThat(it.next()).isFalse();
        assertThat(it.reset(head).seek(25)).isTrue();
        assertThat(it.value()).isEqualTo(3);
    }

    @Test
    void rejectsNonIncreasingTimestampsNamingBothValues() {
        HeadChunk head = new HeadChunk(4);
        head.append(100, 1);
        assertThatThrownBy(() -> head.append(100, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("100");
        ChunkEncoder encoder = new ChunkEncoder();
        encoder.append(100, 1);
        assertThatThrownBy(() -> encoder.append(99, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("99").hasMessageContaining("100");
        assertThatThrownBy(() -> new ChunkEncoder().encode()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rejectsCorruptHeadersWithTheOffset() {
        byte[] chunk = sealed();
        byte[] badVersion = chunk.clone();
        badVersion[0] = 9;
        assertThatThrownBy(() -> new ChunkIterator().reset(badVersion, 0, badVersion.length))
                .isInstanceOf(StorageException.class).hasMessageContaining("offset 0").hasMessageContaining("version 9");
        byte[] badEncoding = chunk.clone();
        badEncoding[1] = (byte) 0x72;
        assertThatThrownBy(() -> new ChunkIterator().reset(badEncoding, 0, badEncoding.length))
                .isInstanceOf(StorageException.class).hasMessageContaining("value encoding 7");
        assertThatThrownBy(() -> new ChunkIterator().reset(chunk, 0, 4))
                .isInstanceOf(StorageException.class).hasMessageContaining("data ends at byte 4 inside a header field");
    }

    @Test
    void chunksHoldAtMostMaxSamples() {
        ChunkEncoder encoder = new ChunkEncoder();
        HeadChunk head = new HeadChunk(1);
        for (int i = 0; i < ChunkFormat.MAX_SAMPLES; i++) {
            encoder.append(i, 1);
            head.append(i, 1);
        }
        assertThatThrownBy(() -> encoder.append(ChunkFormat.MAX_SAMPLES, 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("MAX_SAMPLES");
        assertThatThrownBy(() -> head.append(ChunkFormat.MAX_SAMPLES, 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("MAX_SAMPLES");
        byte[] full = encoder.encode();
        assertThat(full.length).isLessThan(40); // regular and constant: no bits per sample
        ChunkIterator it = new ChunkIterator().reset(full, 0, full.length);
        assertThat(it.seek(ChunkFormat.MAX_SAMPLES - 1)).isTrue();
        assertThat(it.next()).isFalse();

        byte[] tooMany = full.clone();
        tooMany[4] = 0x41; // count varint 0x80 0x80 0x40 -> 0x80 0x80 0x41: 2^20 + 2^14 samples
        assertThatThrownBy(() -> new ChunkIterator().reset(tooMany, 0, tooMany.length))
                .isInstanceOf(StorageException.class).hasMessageContaining("sample count 1064960");
    }

    @Test
    void reportsTruncatedColumnDataAtTheEnd() {
        ChunkEncoder encoder = new ChunkEncoder();
        for (int i = 0; i < 100; i++) {
            encoder.append(i * 1000L, Math.sqrt(i));
        }
        byte[] chunk = encoder.encode();
        ChunkIterator it = new ChunkIterator().reset(Arrays.copyOf(chunk, chunk.length - 20), 0, chunk.length - 20);
        assertThatThrownBy(() -> {
            while (it.next()) {
                it.value();
            }
        }).isInstanceOf(StorageException.class).hasMessageContaining("column data ends before sample");
    }

    private static void assertSequence(ChunkIterator it, int n, int round) {
        for (int i = 0; i < n; i++) {
            assertThat(it.next()).isTrue();
            assertThat(it.timestamp()).isEqualTo(i * 10L + round);
            assertThat(it.value()).isEqualTo(i * 1.5 + round);
        }
        assertThat(it.next()).isFalse();
    }

    private static byte[] sealed() {
        ChunkEncoder encoder = new ChunkEncoder();
        for (int i = 0; i < TS.length; i++) {
            encoder.append(TS[i], VS[i]);
        }
        return encoder.encode();
    }

    /** The same samples as a sealed chunk (auto codec), a sealed XOR chunk, and an open head chunk. */
    private static ChunkIterator[] allForms() {
        byte[] auto = sealed();
        ChunkEncoder encoder = new ChunkEncoder();
        HeadChunk head = new HeadChunk(2);
        for (int i = 0; i < TS.length; i++) {
            encoder.append(TS[i], VS[i]);
            head.append(TS[i], VS[i]);
        }
        ChunkBuffer xor = new ChunkBuffer(0);
        int xorLength = encoder.encode(xor, ChunkFormat.VALUE_XOR);
        return new ChunkIterator[] {
            new ChunkIterator().reset(auto, 0, auto.length),
            new ChunkIterator().reset(xor.array(), 0, xorLength),
            new ChunkIterator().reset(head)
        };
    }
}

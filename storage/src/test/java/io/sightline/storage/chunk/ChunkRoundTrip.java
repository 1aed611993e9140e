package io.sightline.storage.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Encodes samples through every path and asserts each decodes to the same raw bits. */
final class ChunkRoundTrip {
    private ChunkRoundTrip() {
    }

    /** Checks head (open and copied), auto-chosen sealed, forced XOR and packed XOR, and mapped-segment decoding. */
    static void assertRoundTrips(long[] ts, double[] vs) {
        HeadChunk head = new HeadChunk(8);
        ChunkEncoder encoder = new ChunkEncoder();
        for (int i = 0; i < ts.length; i++) {
            head.append(ts[i], vs[i]);
            encoder.append(ts[i], vs[i]);
        }
        ChunkIterator it = new ChunkIterator();
        assertDecodes("open head chunk", it.reset(head), ts, vs);

        ChunkBuffer buffer = new ChunkBuffer(0);
        int headLength = head.encodeTo(buffer);
        assertDecodes("copied head chunk", it.reset(buffer.array(), 0, headLength), ts, vs);

        byte[] sealed = encoder.encode();
        assertDecodes("sealed chunk", it.reset(sealed, 0, sealed.length), ts, vs);

        ChunkBuffer xorOnly = new ChunkBuffer(0);
        int xorLength = encoder.encode(xorOnly, ChunkFormat.VALUE_XOR);
        assertDecodes("sealed XOR chunk", it.reset(xorOnly.array(), 0, xorLength), ts, vs);

        ChunkBuffer packedXor = new ChunkBuffer(0);
        int packedLength = encoder.encode(packedXor, ChunkFormat.VALUE_XOR_PACKED);
        assertDecodes("sealed packed-XOR chunk", it.reset(packedXor.array(), 0, packedLength), ts, vs);

        try (Arena arena = Arena.ofConfined()) {
            // Surround the chunk with 0xFF so that reading past its end would show.
            MemorySegment segment = arena.allocate(sealed.length + 32L);
            segment.fill((byte) 0xFF);
            MemorySegment.copy(sealed, 0, segment, ValueLayout.JAVA_BYTE, 16, sealed.length);
            assertDecodes("mapped sealed chunk", it.reset(segment, 16, sealed.length), ts, vs);
        }
    }

    static void assertDecodes(String what, ChunkIterator it, long[] ts, double[] vs) {
        assertThat(it.count()).as(what + " count").isEqualTo(ts.length);
        assertThat(it.minTime()).as(what + " minTime").isEqualTo(ts[0]);
        assertThat(it.maxTime()).as(what + " maxTime").isEqualTo(ts[ts.length - 1]);
        for (int i = 0; i < ts.length; i++) {
            assertThat(it.next()).as(what + " has sample %d", i).isTrue();
            if (it.timestamp() != ts[i]) {
                assertThat(it.timestamp()).as(what + " timestamp %d", i).isEqualTo(ts[i]);
            }
            if (Double.doubleToRawLongBits(it.value()) != Double.doubleToRawLongBits(vs[i])) {
                assertThat(Long.toHexString(Double.doubleToRawLongBits(it.value())))
                        .as(what + " value bits %d (expected %s)", i, vs[i])
                        .isEqualTo(Long.toHexString(Double.doubleToRawLongBits(vs[i])));
            }
        }
        assertThat(it.next()).as(what + " is exhausted").isFalse();
        assertThat(it.next()).as(what + " stays exhausted").isFalse();
    }
}

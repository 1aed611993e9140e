package io.sightline.query.api;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.sightline.query.Value;
import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Response bodies written in pieces read back exactly as written, from pooled memory that other bodies reuse. */
class PiecedBodyTest {
    @Test
    void aBodyOfManyPiecesReadsBackByteForByteWhateverTheWriteSizes() {
        byte[] expected = new byte[5 * PiecedBody.PIECE + 777];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) (i * 31 + i / 7);
        }
        PiecedBody out = new PiecedBody(UnpooledByteBufAllocator.DEFAULT);
        int at = 0;
        int size = 1;
        while (at < expected.length) {
            if (size % 5 == 0) {
                out.write(expected[at++]);
            } else {
                int n = Math.min(size * 97 % 20_000 + 1, expected.length - at);
                out.write(expected, at, n);
                at += n;
            }
            size++;
        }
        ByteBuf body = out.body();
        try {
            assertThat(body.readableBytes()).isEqualTo(expected.length);
            byte[] read = new byte[expected.length];
            body.getBytes(0, read);
            assertThat(read).isEqualTo(expected);
        } finally {
            body.release();
        }
    }

    @Test
    void aSmallBodyIsOneBufferOfTheFirstPieceSize() {
        PiecedBody out = new PiecedBody(UnpooledByteBufAllocator.DEFAULT);
        out.write("{}".getBytes(StandardCharsets.UTF_8), 0, 2);
        ByteBuf body = out.body();
        try {
            assertThat(body.capacity()).isEqualTo(PiecedBody.FIRST);
            assertThat(body.toString(StandardCharsets.UTF_8)).isEqualTo("{}");
        } finally {
            body.release();
        }
    }

    @Test
    void discardingAFailedBodyReleasesEveryPiece() {
        Recording recording = new Recording(UnpooledByteBufAllocator.DEFAULT);
        PiecedBody out = new PiecedBody(recording);
        out.write(new byte[3 * PiecedBody.PIECE], 0, 3 * PiecedBody.PIECE);
        out.discard();
        assertThat(recording.handedOut).hasSize(4).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    @Test
    void aRenderFailingAfterSeveralPiecesReleasesThemAndAnswersAnError() {
        Reply failing = Reply.success(out -> {
            out.gen().writeStartArray();
            for (int i = 0; i < 50_000; i++) {
                out.gen().writeString("padding padding");
            }
            throw new IllegalStateException("boom");
        }, List.of(), List.of());
        Rendered r = Rendered.of(failing);
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.body()).contains("boom").doesNotContain("padding");
    }

    @Test
    void concurrentLargeAndSmallAnswersFromOnePoolEachReadBackTheirOwnValues() throws Exception {
        Recording pool = new Recording(new PooledByteBufAllocator(true));
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                done.add(threads.submit(() -> {
                    for (int round = 0; round < 6; round++) {
                        // large then small through the same pool: a reused piece must not show an earlier body's bytes
                        int series = round % 2 == 0 ? 400 : 1;
                        Value.Matrix m = matrix(seed * 100 + round, series);
                        String expected = Rendered.okBody(reply(m));
                        FullHttpResponse resp = Dispatcher.render(pool, reply(m), "test");
                        try {
                            assertThat(resp.content().toString(StandardCharsets.UTF_8)).isEqualTo(expected);
                        } finally {
                            resp.release();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(pool.handedOut).as("every piece back in the pool").allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    @Test
    void theBodyIsTheOnlyResultAndCannotBeTakenTwice() {
        PiecedBody out = new PiecedBody(UnpooledByteBufAllocator.DEFAULT);
        out.write(new byte[PiecedBody.PIECE + 1], 0, PiecedBody.PIECE + 1);
        ByteBuf body = out.body();
        body.release();
        assertThatThrownBy(out::body).isInstanceOf(IllegalStateException.class).hasMessageContaining("already taken");
    }

    /** Hands out the buffers of another allocator and keeps them, to check that all were released. */
    private static final class Recording extends AbstractByteBufAllocator {
        final List<ByteBuf> handedOut = Collections.synchronizedList(new ArrayList<>());
        private final ByteBufAllocator to;

        Recording(ByteBufAllocator to) {
            super(true);
            this.to = to;
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            return keep(to.heapBuffer(initialCapacity, maxCapacity));
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return keep(to.directBuffer(initialCapacity, maxCapacity));
        }

        private ByteBuf keep(ByteBuf b) {
            handedOut.add(b);
            return b;
        }

        @Override
        public boolean isDirectBufferPooled() {
            return to.isDirectBufferPooled();
        }
    }

    private static Reply reply(Value.Matrix m) {
        return Reply.success(out -> ValueJson.write(out, m, 0), List.of(), List.of());
    }

    private static Value.Matrix matrix(int seed, int series) {
        List<Value.SeriesPoints> out = new ArrayList<>();
        for (int s = 0; s < series; s++) {
            int n = 100;
            long[] ts = new long[n];
            double[] vs = new double[n];
            for (int i = 0; i < n; i++) {
                ts[i] = 1_700_000_000_000L + i * 15_000L;
                vs[i] = seed * 1e6 + s * 1000 + i + 0.25;
            }
            out.add(new Value.SeriesPoints(Labels.of("instance", "i-" + seed + "-" + s), ts, vs, n));
        }
        return new Value.Matrix(out);
    }
}

package io.sightline.storage.wal;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import io.sightline.storage.head.CommitBatch;
import io.sightline.storage.index.LabelsCodec;
import io.sightline.storage.io.ByteSink;
import io.sightline.storage.io.MemoryTag;
import io.sightline.storage.io.RecordFrames;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.MetricMetadata;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Encodes one commit into framed WAL records in a reused sink: a series record for series new to the log
 * ({@link #encodeNewSeries}), a samples record and a metadata record ({@link #encodeSamples}), each only when
 * non-empty; a record of at least
 * {@link WalFormat#MIN_COMPRESSED_PAYLOAD} bytes is written zstd-compressed when that is smaller. Not
 * thread-safe. {@link #close()} frees the compression context and buffer.
 */
final class WalEncoder implements AutoCloseable {
    private final CRC32C crc = new CRC32C();
    private final ZstdCompressCtx zstd = new ZstdCompressCtx().setLevel(WalFormat.ZSTD_LEVEL);
    /** Compressed payload before it replaces the raw one in the sink. */
    private final ByteSink compressed;
    private long maxTime;

    WalEncoder(TaggedAllocator allocator) {
        this.compressed = new ByteSink(allocator, MemoryTag.WAL, 1 << 16);
    }

    /** The newest sample time of the last encoded batch, {@code Long.MIN_VALUE} when it had none. */
    long maxTime() {
        return maxTime;
    }

    /** Encodes the series record of the batch's series new to the log (none when there are none). */
    void encodeNewSeries(CommitBatch batch, ByteSink sink) {
        sink.clear();
        maxTime = Long.MIN_VALUE;
        if (batch.newSeriesCount() > 0) {
            int start = RecordFrames.begin(sink);
            sink.putByte(WalFormat.SERIES);
            sink.putUvarint(batch.newSeriesCount());
            for (int i = 0; i < batch.newSeriesCount(); i++) {
                sink.putUvarint(batch.newSeriesId(i));
                LabelsCodec.write(batch.newSeriesLabels(i), sink);
            }
            finish(sink, start);
        }
    }

    /**
     * Encodes the batch's samples record and metadata record (each when non-empty): what follows the series
     * record of {@link #encodeNewSeries} in the log.
     */
    void encodeSamples(CommitBatch batch, ByteSink sink) {
        sink.clear();
        maxTime = Long.MIN_VALUE;
        int n = batch.sampleCount();
        if (n > 0) {
            int start = RecordFrames.begin(sink);
            sink.putByte(WalFormat.SAMPLES);
            sink.putUvarint(n);
            long base = batch.timestamp(0);
            sink.putLong(base);
            sink.ensure(n * WalFormat.MAX_SAMPLE_BYTES);
            ByteBuffer b = sink.buffer();
            long hi = Long.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                long t = batch.timestamp(i);
                hi = Math.max(hi, t);
                uvarint(b, batch.seriesId(i));
                long d = t - base;
                uvarint(b, (d << 1) ^ (d >> 63));
                b.putLong(Double.doubleToRawLongBits(batch.value(i)));
            }
            maxTime = hi;
            finish(sink, start);
        }
        writeMetadata(batch.metadata(), sink);
    }

    /** Encodes one series record for {@code ids[from, to)}, for a checkpoint of what older segments held. */
    void encodeSeries(int[] ids, Labels[] labels, int from, int to, ByteSink sink) {
        sink.clear();
        maxTime = Long.MIN_VALUE;
        int start = RecordFrames.begin(sink);
        sink.putByte(WalFormat.SERIES);
        sink.putUvarint(to - from);
        for (int i = from; i < to; i++) {
            sink.putUvarint(ids[i]);
            LabelsCodec.write(labels[i], sink);
        }
        finish(sink, start);
    }

    /** Encodes metadata alone, for a checkpoint of what older segments held. */
    void encodeMetadata(Map<String, MetricMetadata> metadata, ByteSink sink) {
        sink.clear();
        maxTime = Long.MIN_VALUE;
        writeMetadata(metadata, sink);
    }

    private void writeMetadata(Map<String, MetricMetadata> metadata, ByteSink sink) {
        if (metadata.isEmpty()) {
            return;
        }
        int start = RecordFrames.begin(sink);
        sink.putByte(WalFormat.METADATA);
        sink.putUvarint(metadata.size());
        for (Map.Entry<String, MetricMetadata> e : metadata.entrySet()) {
            sink.putString(e.getKey());
            sink.putString(e.getValue().type());
            sink.putString(e.getValue().help());
            sink.putString(e.getValue().unit());
        }
        finish(sink, start);
    }

    /** Compresses the payload of the record begun at {@code start} when that saves bytes, then frames it. */
    private void finish(ByteSink sink, int start) {
        int payloadStart = start + RecordFrames.FRAME_HEADER_BYTES;
        int length = sink.position() - payloadStart;
        if (length >= WalFormat.MIN_COMPRESSED_PAYLOAD) {
            int bound = (int) Zstd.compressBound(length);
            compressed.clear();
            compressed.ensure(bound);
            ByteBuffer out = compressed.buffer();
            int n = zstd.compressDirectByteBuffer(out, 0, bound, sink.buffer(), payloadStart, length);
            // type + uvarint length take at most 6 bytes: only a smaller record replaces the raw one
            if (n + 6 < length) {
                sink.buffer().position(payloadStart);
                sink.putByte(WalFormat.COMPRESSED);
                sink.putUvarint(length);
                sink.buffer().put(out.duplicate().clear().limit(n));
            }
        }
        RecordFrames.end(sink, start, crc);
    }

    @Override
    public void close() {
        zstd.close();
        compressed.release();
    }

    private static void uvarint(ByteBuffer b, long v) {
        while ((v & ~0x7FL) != 0) {
            b.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        b.put((byte) v);
    }
}

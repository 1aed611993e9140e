package io.sightline.storage.wal;

import io.sightline.storage.head.CommitBatch;
import io.sightline.storage.index.LabelsCodec;
import io.sightline.storage.io.ByteSink;
import io.sightline.storage.io.RecordFrames;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.MetricMetadata;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Encodes one commit into framed WAL records in a reused sink: a series record for series new to the log,
 * a samples record, a metadata record, each only when non-empty. Not thread-safe.
 */
final class WalEncoder {
    private final CRC32C crc = new CRC32C();
    private long maxTime;

    /** The newest sample time of the last encoded batch, {@code Long.MIN_VALUE} when it had none. */
    long maxTime() {
        return maxTime;
    }

    void encode(CommitBatch batch, ByteSink sink) {
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
            RecordFrames.end(sink, start, crc);
        }
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
            RecordFrames.end(sink, start, crc);
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
        RecordFrames.end(sink, start, crc);
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
        RecordFrames.end(sink, start, crc);
    }

    private static void uvarint(ByteBuffer b, long v) {
        while ((v & ~0x7FL) != 0) {
            b.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        b.put((byte) v);
    }
}

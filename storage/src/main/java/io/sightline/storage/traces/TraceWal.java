package io.sightline.storage.traces;

import io.sightline.storage.WalSyncMode;
import io.sightline.storage.io.ByteReader;
import io.sightline.storage.io.ByteSink;
import io.sightline.storage.io.CorruptDataException;
import io.sightline.storage.io.FramedWal;
import io.sightline.storage.io.RecordFrames;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The trace WAL: a {@link FramedWal} whose frames are {@code uvarint sequence, uvarint count, count spans}. A
 * frame with no spans is a sequence marker, written first into every new file, so the commit sequence
 * survives even when every segment that carried it has been deleted by retention. Thread-safety as
 * {@link FramedWal}.
 */
final class TraceWal implements AutoCloseable {
    static final int MAGIC = 0x54525453; // "STRT" little-endian
    static final int VERSION = 1;
    private static final String WHAT = "trace WAL";

    /** Receives each replayed commit; {@code spans} is empty for a sequence marker. */
    interface CommitSink {
        void commit(long sequence, List<Span> spans);
    }

    private final FramedWal wal;

    TraceWal(Path dir, TaggedAllocator allocator, WalSyncMode syncMode) {
        this.wal = new FramedWal(dir, allocator, syncMode, MAGIC, VERSION, WHAT);
    }

    /**
     * Replays every file numbered {@code >= from} into {@code sink}, cutting a damaged tail; returns the next
     * free file number.
     */
    static int replay(Path dir, TaggedAllocator allocator, int from, CommitSink sink) {
        return FramedWal.replay(dir, allocator, MAGIC, VERSION, WHAT, from, (payload, offset) -> {
            long seq = ByteReader.uvarint(payload);
            if (seq <= 0) {
                throw new CorruptDataException("commit sequence " + seq, offset);
            }
            int count = ByteReader.count(payload, RecordFrames.MAX_PAYLOAD_BYTES);
            // Decode the whole frame before handing it on, so a frame that fails half way adds nothing.
            List<Span> spans = new ArrayList<>(count);
            Span previous = null;
            for (int i = 0; i < count; i++) {
                Span s = SpanCodec.read(payload);
                if (previous != null && previous.resource().equals(s.resource())) {
                    s = withResource(s, previous.resource()); // share, as the spans of a request did
                }
                spans.add(s);
                previous = s;
            }
            sink.commit(seq, spans);
        });
    }

    private static Span withResource(Span s, Attributes resource) {
        return new Span(s.traceId(), s.spanId(), s.parentSpanId(), s.traceState(), s.name(), s.kind(), s.startNanos(),
                s.endNanos(), s.statusCode(), s.statusMessage(), s.attributes(), resource, s.scopeName(),
                s.scopeVersion(), s.events(), s.links());
    }

    /** Starts file {@code n} with a marker of {@code lastSequence} (see {@link FramedWal#openFile}). */
    void openFile(int n, long lastSequence) {
        wal.openFile(n, marker(lastSequence));
    }

    /** As {@link #openFile} when the store opens (see {@link FramedWal#start}). */
    void start(int n, long lastSequence) {
        wal.start(n, marker(lastSequence));
    }

    int number() {
        return wal.number();
    }

    /** A commit with no spans, a sequence marker: what a file begins with once spans were committed. */
    private static Consumer<ByteSink> marker(long sequence) {
        if (sequence <= 0) {
            return null;
        }
        return sink -> {
            sink.putUvarint(sequence);
            sink.putUvarint(0);
        };
    }

    /**
     * Writes one commit of {@code count} spans that {@code encoded} holds as {@link SpanCodec} records (encoded
     * outside the engine's lock); returns after the bytes are in the file (and fsynced in
     * {@link WalSyncMode#ALWAYS}).
     */
    void log(long sequence, int count, SpanEncoder encoded) {
        wal.log(sink -> {
            sink.putUvarint(sequence);
            sink.putUvarint(count);
            sink.ensure(encoded.size());
            sink.buffer().put(encoded.array(), 0, encoded.size());
        });
    }

    void sync() {
        wal.sync();
    }

    void deleteBefore(int n) {
        wal.deleteBefore(n);
    }

    @Override
    public void close() {
        wal.close();
    }
}

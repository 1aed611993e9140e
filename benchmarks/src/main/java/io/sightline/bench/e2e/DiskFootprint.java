package io.sightline.bench.e2e;

import com.google.protobuf.CodedInputStream;
import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.Appender;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.model.Labels;
import org.xerial.snappy.Snappy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where the bytes of a flushed store go: feeds {@link RemoteWriteWorkload}'s requests (decoded from the very
 * bytes {@code compare.sh} sends) straight into a {@link Storage}, takes a snapshot as {@code compare.sh}
 * does, and breaks the snapshot down by component: chunk CRCs, chunk headers, timestamp and value columns
 * (by value codec), each index section (series entries split into label references and chunk metadata),
 * meta.json, and the series registry's labels file. Then closes the store and lists every file left.
 *
 * <p>Usage: {@code DiskFootprint [--quick | --full] [--series N --rounds N] [--dir D (kept)]}. Parses the
 * files by their documented layout (storage/docs/format), so it reads blocks of every version it knows.
 */
public final class DiskFootprint {
    private final Map<String, Long> bytes = new TreeMap<>();

    public static void main(String[] args) throws IOException {
        int series = 10_000;
        int rounds = 240;
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> { series = 10_000; rounds = 240; }
                case "--full" -> { series = 100_000; rounds = 100; }
                case "--series" -> series = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown flag " + args[i] + " (known: --quick --full --series --rounds --dir)");
            }
        }
        boolean keep = dir != null;
        if (dir == null) {
            dir = Files.createTempDirectory("sightline-footprint");
        }
        long endMs = (System.currentTimeMillis() / 1000 - 60) / 15 * 15 * 1000;
        RemoteWriteWorkload w = new RemoteWriteWorkload(series, 2000, endMs - (rounds - 1) * RemoteWriteWorkload.INTERVAL_MS);
        long samples = 0;
        String snapshot;
        long start = System.nanoTime();
        try (Storage storage = Storage.open(StorageConfig.defaults(dir), OpenTelemetry.noop().getMeter("footprint"))) {
            for (int r = 0; r < rounds; r++) {
                for (byte[] request : w.round(r)) {
                    samples += append(storage, Snappy.uncompress(request));
                }
            }
            long ingested = System.nanoTime();
            snapshot = storage.snapshot();
            System.out.printf("ingested %d samples of %d series in %.1f s, snapshot in %.1f s%n", samples, w.series(),
                    (ingested - start) / 1e9, (System.nanoTime() - ingested) / 1e9);
        }
        DiskFootprint f = new DiskFootprint();
        Path snap = dir.resolve("snapshots").resolve(snapshot);
        try (Stream<Path> blocks = Files.list(snap.resolve("metrics"))) {
            for (Path b : blocks.sorted().toList()) {
                f.block(b);
            }
        }
        f.bytes.put("registry labels file", Files.size(snap.resolve("index").resolve("labels")));
        long total = 0;
        long blocksTotal = 0;
        System.out.printf("%n| component | bytes | B/sample | B/series |%n| --- | ---: | ---: | ---: |%n");
        for (Map.Entry<String, Long> e : f.bytes.entrySet()) {
            total += e.getValue();
            if (!e.getKey().startsWith("registry")) {
                blocksTotal += e.getValue();
            }
            System.out.printf("| %s | %d | %.3f | %.1f |%n", e.getKey(), e.getValue(), e.getValue() / (double) samples,
                    e.getValue() / (double) w.series());
        }
        System.out.printf("| **blocks (apparent sizes)** | %d | %.3f | %.1f |%n", blocksTotal, blocksTotal / (double) samples,
                blocksTotal / (double) w.series());
        System.out.printf("| **blocks + labels file** | %d | %.3f | %.1f |%n", total, total / (double) samples,
                total / (double) w.series());
        System.out.printf("%nfiles after close (apparent / allocated bytes):%n");
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.filter(Files::isRegularFile).filter(p -> !p.startsWith(snap)).sorted().toList()) {
                long allocated = (Long) Files.getAttribute(p, "unix:blocks") * 512;
                System.out.printf("  %-60s %12d %12d%n", dir.relativize(p), Files.size(p), allocated);
            }
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            System.out.println("  (no unix:blocks attribute here)");
        }
        if (!keep) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        } else {
            System.out.println("kept " + dir);
        }
    }

    /** Appends one decoded remote-write request (WriteRequest protobuf); returns its sample count. */
    private static int append(Storage storage, byte[] request) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(request);
        Appender a = storage.appender();
        int n = 0;
        List<String> pairs = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int limit = in.pushLimit(in.readRawVarint32());
            pairs.clear();
            double value = 0;
            long ts = 0;
            for (int t = in.readTag(); t != 0; t = in.readTag()) {
                int inner = in.pushLimit(in.readRawVarint32());
                if (t >>> 3 == 1) {
                    String name = null;
                    String val = null;
                    for (int l = in.readTag(); l != 0; l = in.readTag()) {
                        if (l >>> 3 == 1) {
                            name = in.readString();
                        } else {
                            val = in.readString();
                        }
                    }
                    pairs.add(name);
                    pairs.add(val);
                } else {
                    for (int s = in.readTag(); s != 0; s = in.readTag()) {
                        if (s >>> 3 == 1) {
                            value = in.readDouble();
                        } else {
                            ts = in.readInt64();
                        }
                    }
                }
                in.popLimit(inner);
            }
            in.popLimit(limit);
            a.append(Appender.NO_REF, Labels.of(pairs.toArray(new String[0])), ts, value);
            n++;
        }
        a.commit();
        return n;
    }

    private void add(String component, long n) {
        bytes.merge(component, n, Long::sum);
    }

    /** Breaks one block directory down by its documented layout (index.md, block.md, chunk.md). */
    private void block(Path dir) throws IOException {
        add("block meta.json", Files.size(dir.resolve("meta.json")));
        ByteBuffer index = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("index"))).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer chunks = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("chunks"))).order(ByteOrder.LITTLE_ENDIAN);
        int version = index.get(4);
        if (version != 1 && version != 2) {
            throw new IllegalStateException("index version " + version + " not known to this tool");
        }
        int toc = index.capacity() - (6 * 8 + 4 + 6 * 4);
        long[] o = new long[6];
        for (int i = 0; i < 6; i++) {
            o[i] = index.getLong(toc + 8 * i);
        }
        add("index header + toc", 8 + (6 * 8 + 4 + 6 * 4));
        add("index symbols", o[1] - o[0]);
        add("index series table", o[3] - o[2]);
        add("index postings bitmaps", o[4] - o[3]);
        add("index postings table", toc - o[4]);
        add("chunks file header", 8);
        // Series entries: labels, then chunk metas; each chunk in the chunks file: CRC, header, columns.
        index.position((int) o[1]);
        while (index.position() < o[2]) {
            int at = index.position();
            int labels = (int) uvarint(index);
            for (int i = 0; i < 2 * labels; i++) {
                uvarint(index);
            }
            add("index series: label refs", index.position() - at);
            at = index.position();
            int n = (int) uvarint(index);
            long ref = uvarint(index);
            for (int i = 0; i < n; i++) {
                uvarint(index);
                uvarint(index);
                int len = (int) uvarint(index);
                chunk(chunks, (int) ref + 4, len);
                ref += 4 + len;
            }
            add("index series: chunk metas", index.position() - at);
        }
    }

    private void chunk(ByteBuffer file, int at, int length) {
        add("chunks: CRC32C", 4);
        ByteBuffer c = file.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(at);
        int chunkVersion = c.get();
        int enc = c.get() & 0xFF;
        uvarint(c);
        if (chunkVersion == 1) { // version 2 (in blocks) leaves the time range to the index
            uvarint(c);
            uvarint(c);
        }
        int ts = (int) uvarint(c);
        int header = c.position() - at;
        add("chunks: header", header);
        add("chunks: timestamps (codec " + (enc & 15) + ")", ts);
        add("chunks: values (codec " + (enc >>> 4) + ")", length - header - ts);
    }

    private static long uvarint(ByteBuffer b) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            int x = b.get() & 0xFF;
            v |= (long) (x & 0x7F) << shift;
            if (x < 0x80) {
                return v;
            }
        }
    }
}

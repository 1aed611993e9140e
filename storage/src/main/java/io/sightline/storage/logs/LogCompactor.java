package io.sightline.storage.logs;

import io.sightline.storage.io.FileFacade;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.LogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * Merges a run of consecutive small segments into one (see logs.md "Compaction"). The merged segment takes the
 * name of the newest in the run ({@code seg-N} covers every WAL file below N, as all of the run did). Crash-safe:
 * it is written as {@code seg-N.compact/}, then a {@code sources} file naming the run is made durable (the commit
 * point), then the sources are deleted and {@code seg-N.compact} renamed to {@code seg-N}; {@link #recover} finishes
 * or undoes an interrupted merge at open. Not thread-safe: the engine runs it under its cut lock.
 */
final class LogCompactor {
    private static final Logger log = LoggerFactory.getLogger(LogCompactor.class);
    static final String SUFFIX = ".compact";
    static final String SOURCES = "sources";
    /** Segments smaller than this on disk may be merged. */
    static final long SMALL_BYTES = 4L << 20;
    /** Fewer small segments than this are left alone: merging one new small segment into a bigger one each time
     * would rewrite the big one over and over. */
    static final int MIN_RUN = 4;

    private final Path dir;
    private final FileFacade files;
    private final TaggedAllocator allocator;
    private final SegmentWriter writer;

    LogCompactor(Path dir, TaggedAllocator allocator, SegmentWriter writer) {
        this.dir = dir;
        this.files = allocator.files();
        this.allocator = allocator;
        this.writer = writer;
    }

    /**
     * The oldest run of at least {@link #MIN_RUN} consecutive small segments whose pages hold at most
     * {@code maxRawBytes} uncompressed (a merge holds them all in memory, as a head does), or an empty list.
     */
    static List<Segment> pickRun(List<Segment> byAge, long maxRawBytes) {
        return pickRun(byAge, maxRawBytes, MIN_RUN);
    }

    /** As {@link #pickRun(List, long)} with runs of at least {@code minRun} segments. */
    static List<Segment> pickRun(List<Segment> byAge, long maxRawBytes, int minRun) {
        List<Segment> run = new ArrayList<>();
        long raw = 0;
        for (Segment s : byAge) {
            boolean fits = s.bytes() < SMALL_BYTES && raw + s.rawBytes() <= maxRawBytes;
            if (fits) {
                run.add(s);
                raw += s.rawBytes();
                continue;
            }
            if (run.size() >= minRun) {
                return run;
            }
            run.clear();
            raw = 0;
            if (s.bytes() < SMALL_BYTES && s.rawBytes() <= maxRawBytes) {
                run.add(s);
                raw = s.rawBytes();
            }
        }
        return run.size() >= minRun ? run : List.of();
    }

    /** Writes the merged segment, deletes the run's directories and opens the result. The run must be held. */
    Segment merge(List<Segment> run) throws IOException {
        TreeMap<Labels, List<LogRecord>> streams = new TreeMap<>();
        Segment.PageScratch scratch = new Segment.PageScratch();
        for (Segment s : run) {
            for (int i = 0; i < s.streamCount(); i++) {
                List<LogRecord> rows = streams.computeIfAbsent(s.stream(i), k -> new ArrayList<>());
                for (int p = s.firstPage(i); p < s.endPage(i); p++) {
                    rows.addAll(Arrays.asList(s.page(p, i, scratch)));
                }
            }
        }
        // Segments are cut by arrival, so a stream's rows may interleave in time across them; the sort is stable,
        // so equal timestamps keep their arrival order.
        streams.values().forEach(rows -> rows.sort(Comparator.comparingLong(LogRecord::timestampNanos)));
        String name = run.getLast().dir().getFileName().toString();
        Path staged = writer.write(dir, name + SUFFIX, streams);
        writeSources(staged, run);
        finish(files, dir, staged, dir.resolve(name), run.stream().map(s -> s.dir().getFileName().toString()).toList());
        return Segment.open(dir.resolve(name), allocator);
    }

    private void writeSources(Path staged, List<Segment> run) throws IOException {
        String text = String.join("\n", run.stream().map(s -> s.dir().getFileName().toString()).toList()) + "\n";
        try (FileChannel ch = files.open(staged.resolve(SOURCES), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            files.writeFully(ch, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            files.force(ch);
        }
        files.syncDirectory(staged);
    }

    /** From the commit point on: delete the sources, move the merged segment to its name, drop the marker. */
    private static void finish(FileFacade files, Path dir, Path staged, Path target, List<String> sources) throws IOException {
        for (String s : sources) {
            files.deleteRecursively(dir.resolve(s));
        }
        files.syncDirectory(dir);
        files.moveAtomically(staged, target);
        files.syncDirectory(dir);
        files.deleteRecursively(target.resolve(SOURCES));
    }

    /** At open, before segments are listed: completes merges that reached their commit point, drops the others. */
    static void recover(Path dir, FileFacade files) throws IOException {
        for (Path p : files.list(dir)) {
            String name = p.getFileName().toString();
            if (!name.endsWith(SUFFIX)) {
                continue;
            }
            Path marker = p.resolve(SOURCES);
            if (!files.exists(marker)) {
                log.warn("dropping an unfinished log segment compaction; its sources are intact [dir={}]", p);
                files.deleteRecursively(p);
                continue;
            }
            List<String> sources = Files.readAllLines(marker, StandardCharsets.UTF_8).stream().filter(s -> !s.isBlank()).toList();
            Path target = dir.resolve(name.substring(0, name.length() - SUFFIX.length()));
            log.warn("finishing an interrupted log segment compaction [dir={}, sources={}]", p, sources);
            finish(files, dir, p, target, sources);
        }
    }
}

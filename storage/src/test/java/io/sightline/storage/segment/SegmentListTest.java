package io.sightline.storage.segment;

import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.io.FileHeader;
import io.sightline.storage.io.MemoryTag;
import io.sightline.storage.io.TaggedAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Loading, acquiring, replacing and deleting the published segments of a store. */
class SegmentListTest {
    private static final int MAGIC = 0x54534554;
    /** {@code u64 minTime, u64 maxTime, magic u32, reserved u32}. */
    private static final SegmentFile.Format FORMAT = new SegmentFile.Format("test", MAGIC, 1, 1, 24);

    /** A segment whose footer holds its time range. */
    private record TimeSegment(SegmentFile segmentFile, long minTime, long maxTime) implements StoredSegment {
    }

    @TempDir
    Path root;
    private final TaggedAllocator allocator = new TaggedAllocator(DefaultFileFacade.INSTANCE);
    private final SegmentList<TimeSegment> list = new SegmentList<>("test", LoggerFactory.getLogger(SegmentListTest.class));

    @AfterEach
    void releaseAll() {
        list.releaseAll();
        assertThat(allocator.bytes(MemoryTag.CHUNK)).as("mapped bytes left").isZero();
    }

    private Path write(String name, long minTime, long maxTime) throws IOException {
        return TestSegmentFiles.write(allocator, root.resolve(name), MAGIC, 1, out -> {
            out.putLong(minTime);
            out.putLong(maxTime);
            out.putInt(MAGIC);
            out.putInt(0);
        });
    }

    private TimeSegment open(Path dir) {
        return SegmentFile.open(dir, allocator, FORMAT,
                (file, footer) -> new TimeSegment(file, footer.getLong(), footer.getLong()));
    }

    private int load() throws IOException {
        return list.load(root, DefaultFileFacade.INSTANCE, this::open);
    }

    private static List<Integer> numbers(Iterable<TimeSegment> segments) {
        List<Integer> out = new ArrayList<>();
        segments.forEach(s -> out.add(s.number()));
        return out;
    }

    @Test
    void loadsSegmentsInCutOrderAndReturnsTheHighestNumber() throws IOException {
        write(SegmentNames.dirName(12), 0, 1);
        write(SegmentNames.dirName(3), 0, 1);
        write(SegmentNames.dirName(7), 0, 1);

        assertThat(load()).isEqualTo(12);
        assertThat(numbers(list)).containsExactly(3, 7, 12);
        assertThat(list.size()).isEqualTo(3);
        assertThat(list.bytes()).isEqualTo(3L * (FileHeader.BYTES + FORMAT.footerBytes()));
    }

    @Test
    void deletesUnfinishedCutsAndSkipsWhatIsNotASegment() throws IOException {
        write(SegmentNames.dirName(2), 0, 1);
        Path unfinished = write(SegmentNames.dirName(3) + SegmentNames.TMP_SUFFIX, 0, 1);
        Files.createDirectories(root.resolve("wal"));
        Files.createDirectories(root.resolve(SegmentNames.dirName(4) + ".compact"));

        assertThat(load()).isEqualTo(2);
        assertThat(numbers(list)).containsExactly(2);
        assertThat(unfinished).doesNotExist();
        assertThat(root.resolve("wal")).exists();
    }

    @Test
    void anEmptyDirectoryCoversNoWalFile() throws IOException {
        assertThat(load()).isZero();
        assertThat(list.size()).isZero();
    }

    @Test
    void acquiresOnlySegmentsOverlappingTheRange() throws IOException {
        list.add(open(write(SegmentNames.dirName(1), 0, 99)));
        list.add(open(write(SegmentNames.dirName(2), 100, 199)));
        list.add(open(write(SegmentNames.dirName(3), 200, 299)));

        List<TimeSegment> held = list.acquireOverlapping(150, 200, new ArrayList<>());

        assertThat(numbers(held)).containsExactly(2, 3);
        held.forEach(TimeSegment::release);
    }

    @Test
    void aDeletedSegmentStaysReadableForItsQuerierUntilReleased() throws IOException {
        TimeSegment s = open(write(SegmentNames.dirName(1), 0, 99));
        list.add(s);
        List<TimeSegment> held = list.acquireOverlapping(0, 99, new ArrayList<>());

        assertThat(list.remove(s)).isTrue();
        list.deleteUnlisted(s, DefaultFileFacade.INSTANCE);

        assertThat(s.dir()).doesNotExist();
        assertThat(list.size()).isZero();
        assertThat(s.segmentFile().mapped().slice(FileHeader.BYTES, 8).getLong()).isZero(); // still mapped
        assertThat(s.acquire()).as("the querier's reference keeps it").isTrue();
        s.release();
        held.forEach(TimeSegment::release);
        assertThat(s.acquire()).as("released for good").isFalse();
    }

    @Test
    void replaceSwapsARunForItsMergeInCutOrder() throws IOException {
        TimeSegment a = open(write(SegmentNames.dirName(1), 0, 1));
        TimeSegment b = open(write(SegmentNames.dirName(2), 0, 1));
        TimeSegment c = open(write(SegmentNames.dirName(3), 0, 1));
        list.add(a);
        list.add(b);
        list.add(c);
        TimeSegment merged = open(write("merged/" + SegmentNames.dirName(2), 0, 1)); // takes its newest source's name

        list.replace(List.of(a, b), merged);

        assertThat(list.snapshot()).containsExactly(merged, c);
        a.release();
        b.release();
    }

    @Test
    void exportsTheSegmentCountAndBytes() throws IOException {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
        list.registerGauges(provider.get("t"), "count", "segments", "bytes", "segment bytes");
        list.add(open(write(SegmentNames.dirName(1), 0, 1)));

        Collection<MetricData> metrics = reader.collectAllMetrics();

        assertThat(metrics).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("count");
            assertThat(m.getLongGaugeData().getPoints()).singleElement().satisfies(p -> assertThat(p.getValue()).isEqualTo(1));
        });
        assertThat(metrics).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("bytes");
            assertThat(m.getUnit()).isEqualTo("By");
            assertThat(m.getLongGaugeData().getPoints()).singleElement()
                    .satisfies(p -> assertThat(p.getValue()).isEqualTo(FileHeader.BYTES + FORMAT.footerBytes()));
        });
        provider.close();
    }
}

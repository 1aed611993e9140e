package io.sightline.storage.index;

import io.sightline.storage.StorageException;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelsFileTest {
    @TempDir
    Path dir;

    private final TaggedAllocator allocator = new TaggedAllocator(DefaultFileFacade.INSTANCE);

    @Test
    void everySeriesReadsBackInAnyOrderBeforeAndAfterReopeningAndAppendsContinueMidGroup() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        List<Labels> written = new ArrayList<>();
        Path file = dir.resolve("labels");
        try (LabelsFile f = LabelsFile.open(file, allocator)) {
            for (int i = 0; i < 203; i++) { // 12 groups and 11 ids of a 13th
                written.add(randomLabels(random));
                assertThat(f.append(LabelsCodec.toBytes(written.getLast()))).isEqualTo(i + 1);
            }
            checkAll(f, written, random, seed);
        }
        try (LabelsFile f = LabelsFile.open(file, allocator)) {
            checkAll(f, written, random, seed);
            for (int i = 0; i < 40; i++) {
                written.add(randomLabels(random));
                assertThat(f.append(LabelsCodec.toBytes(written.getLast()))).isEqualTo(written.size());
            }
            checkAll(f, written, random, seed);
        }
        try (LabelsFile f = LabelsFile.open(file, allocator)) {
            assertThat(f.count()).isEqualTo(written.size());
            checkAll(f, written, random, seed);
        }
    }

    @Test
    void seriesOfOneTargetCostAFifthOfTheirPlainRecords() throws IOException {
        Path file = dir.resolve("labels");
        long plain = 0;
        try (LabelsFile f = LabelsFile.open(file, allocator)) {
            for (int target = 0; target < 20; target++) {
                for (int route = 0; route < 5; route++) {
                    for (String le : new String[] {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"}) {
                        byte[] canonical = LabelsCodec.toBytes(Labels.of("__name__", "http_request_duration_seconds_bucket",
                                "instance", "host-" + target + ":9100", "job", "api", "le", le, "route", "/api/v1/r" + route));
                        f.append(canonical);
                        plain += 8 + 4 + canonical.length; // version 2: frame, u32 id, canonical bytes
                    }
                }
            }
        }
        // 1,100 series; measured 24.6 bytes each against 106.4 in version 2
        assertThat(Files.size(file)).isLessThan(plain / 4);
    }

    @Test
    void aVersion2FileIsReadAndAppendedToInVersion2() throws IOException {
        Path file = dir.resolve("labels");
        List<Labels> written = List.of(Labels.of("__name__", "up", "job", "a"), Labels.of("__name__", "up", "job", "b"),
                Labels.of("__name__", "up", "job", "c"));
        ByteArrayOutputStream v2 = new ByteArrayOutputStream();
        v2.writeBytes(new byte[] {0x53, 0x4C, 0x42, 0x4C, 2, 0, 0, 0});
        for (int id = 1; id <= written.size(); id++) {
            byte[] canonical = LabelsCodec.toBytes(written.get(id - 1));
            ByteBuffer payload = ByteBuffer.allocate(4 + canonical.length).order(ByteOrder.LITTLE_ENDIAN).putInt(id).put(canonical);
            CRC32C crc = new CRC32C();
            crc.update(payload.array());
            v2.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(payload.capacity())
                    .putInt((int) crc.getValue()).array());
            v2.writeBytes(payload.array());
        }
        Files.write(file, v2.toByteArray());

        Labels added = Labels.of("__name__", "up", "job", "d");
        try (LabelsFile f = LabelsFile.open(file, allocator)) {
            for (int id = 1; id <= 3; id++) {
                assertThat(f.labels(id)).isEqualTo(written.get(id - 1));
                assertThat(f.hasLabels(id, LabelsCodec.toBytes(written.get(id - 1)))).isTrue();
            }
            assertThat(f.append(LabelsCodec.toBytes(added))).isEqualTo(4);
        }
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes[4]).isEqualTo((byte) 2);
        // The new record is a version-2 record: frame, u32 id 4, canonical bytes.
        assertThat(ByteBuffer.wrap(bytes, v2.size() + 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt()).isEqualTo(4);
        try (LabelsFile f = LabelsFile.open(file, allocator)) {
            assertThat(f.count()).isEqualTo(4);
            assertThat(f.labels(4)).isEqualTo(added);
            assertThat(f.labels(2)).isEqualTo(written.get(1));
        }
    }

    @Test
    void aTornRecordInsideAGroupIsCutAndTheGroupGoesOnFromTheRecordBefore() throws IOException {
        Path file = dir.resolve("labels");
        List<Labels> written = new ArrayList<>();
        try (LabelsFile f = LabelsFile.open(file, allocator)) {
            for (int i = 1; i <= 21; i++) {
                written.add(Labels.of("__name__", "m", "i", Integer.toString(i), "job", "j"));
                f.append(LabelsCodec.toBytes(written.getLast()));
            }
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(file) - 2);
        }
        written.removeLast();
        try (LabelsFile f = LabelsFile.open(file, allocator)) {
            assertThat(f.count()).isEqualTo(20);
            written.add(Labels.of("__name__", "m", "i", "other", "job", "j"));
            assertThat(f.append(LabelsCodec.toBytes(written.getLast()))).isEqualTo(21);
            written.add(Labels.of("__name__", "m", "i", "22", "job", "j"));
            assertThat(f.append(LabelsCodec.toBytes(written.getLast()))).isEqualTo(22);
        }
        try (LabelsFile f = LabelsFile.open(file, allocator)) {
            for (int id = 1; id <= written.size(); id++) {
                assertThat(f.labels(id)).as("id %d", id).isEqualTo(written.get(id - 1));
            }
        }
    }

    @Test
    void aRemovedRecordIsNeitherReadNorUsedAsABaseEvenAtTheStartOfAGroup() {
        Path file = dir.resolve("labels");
        try (LabelsFile f = LabelsFile.open(file, allocator)) {
            for (int i = 1; i <= 16; i++) {
                f.append(LabelsCodec.toBytes(Labels.of("n", "v" + i)));
            }
            Labels gone = Labels.of("n", "v17", "x", "long value shared with the next");
            f.removeLast(f.append(LabelsCodec.toBytes(gone)));
            assertThat(f.labels(17)).isNull();
            Labels kept = Labels.of("n", "v17b", "x", "long value shared with the next");
            assertThat(f.append(LabelsCodec.toBytes(kept))).isEqualTo(17);
            f.removeLast(f.append(LabelsCodec.toBytes(Labels.of("n", "v18", "x", "y"))));
            Labels last = Labels.of("n", "v18b");
            assertThat(f.append(LabelsCodec.toBytes(last))).isEqualTo(18);
            assertThat(f.labels(17)).isEqualTo(kept);
            assertThat(f.labels(18)).isEqualTo(last);
            assertThat(f.labels(16)).isEqualTo(Labels.of("n", "v16"));
        }
        try (LabelsFile f = LabelsFile.open(file, allocator)) {
            assertThat(f.count()).isEqualTo(18);
            assertThat(f.labels(17)).isEqualTo(Labels.of("n", "v17b", "x", "long value shared with the next"));
            assertThat(f.labels(18)).isEqualTo(Labels.of("n", "v18b"));
        }
    }

    @Test
    void aFailedWriteMidGroupLeavesTheFileAsIfItNeverHappened() throws IOException {
        // The failed batch's records were coded against each other in the reused slot records; the retry must
        // code against the group as the file has it, byte for byte as a file that never failed.
        SplittableRandom random = new SplittableRandom(42);
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            records.add(LabelsCodec.toBytes(randomLabels(random)));
        }
        Path failed = dir.resolve("failed");
        Path clean = dir.resolve("clean");
        SeriesRegistryBatchTest.DiskFullFiles files = new SeriesRegistryBatchTest.DiskFullFiles();
        try (LabelsFile f = LabelsFile.open(failed, new TaggedAllocator(files))) {
            f.appendAll(records.subList(0, 20).toArray(byte[][]::new), 20);
            files.isDiskFull.set(true);
            assertThatThrownBy(() -> f.appendAll(records.subList(20, 30).toArray(byte[][]::new), 10))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("No space left on device");
            files.isDiskFull.set(false);
            assertThat(f.count()).isEqualTo(20);
            assertThat(f.appendAll(records.subList(20, 40).toArray(byte[][]::new), 20)).isEqualTo(21);
            for (int id = 1; id <= 40; id++) {
                assertThat(f.canonicalLabels(id)).as("series %d", id).isEqualTo(records.get(id - 1));
            }
        }
        try (LabelsFile f = LabelsFile.open(clean, allocator)) {
            f.appendAll(records.subList(0, 20).toArray(byte[][]::new), 20);
            f.appendAll(records.subList(20, 40).toArray(byte[][]::new), 20);
        }
        assertThat(Files.readAllBytes(failed)).isEqualTo(Files.readAllBytes(clean));
    }

    private static void checkAll(LabelsFile f, List<Labels> written, SplittableRandom random, long seed) {
        assertThat(f.count()).isEqualTo(written.size());
        for (int k = 0; k < 3 * written.size(); k++) {
            int id = 1 + random.nextInt(written.size());
            byte[] canonical = LabelsCodec.toBytes(written.get(id - 1));
            assertThat(f.labels(id)).as("id %d, seed %d", id, seed).isEqualTo(written.get(id - 1));
            assertThat(f.hasLabels(id, canonical)).as("id %d, seed %d", id, seed).isTrue();
            assertThat(f.canonicalLabels(id)).as("id %d, seed %d", id, seed).isEqualTo(canonical);
        }
        assertThat(f.labels(written.size() + 1)).isNull();
        assertThat(f.labels(0)).isNull();
    }

    /** Label sets that share names and values with their neighbours in every way the coding distinguishes. */
    private static Labels randomLabels(SplittableRandom random) {
        List<String> pairs = new ArrayList<>();
        pairs.add("__name__");
        pairs.add("metric_" + random.nextInt(4));
        String[] names = {"code", "instance", "job", "le", "route", "ünïcode"};
        for (String name : names) {
            if (random.nextInt(3) > 0) {
                pairs.add(name);
                pairs.add(switch (random.nextInt(5)) {
                    case 0 -> "";
                    case 1 -> "host-" + random.nextInt(3) + ":9100";
                    case 2 -> "/api/v1/r" + random.nextInt(12);
                    case 3 -> "värde-" + "x".repeat(random.nextInt(200));
                    default -> Integer.toString(random.nextInt(3));
                });
            }
        }
        return Labels.of(pairs.toArray(new String[0]));
    }
}

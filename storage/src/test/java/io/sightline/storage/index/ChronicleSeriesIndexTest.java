package io.sightline.storage.index;

import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;

class ChronicleSeriesIndexTest {
    @TempDir
    Path dir;

    private final TaggedAllocator allocator = new TaggedAllocator(DefaultFileFacade.INSTANCE);

    @Test
    void idsAreDenseAndStableAcrossRestarts() {
        Labels a = Labels.of("__name__", "a", "job", "x");
        Labels b = Labels.of("__name__", "b");
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator)) {
            assertThat(index.getOrCreate(a)).isEqualTo(1);
            assertThat(index.getOrCreate(b)).isEqualTo(2);
            assertThat(index.getOrCreate(a)).isEqualTo(1);
        }
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator)) {
            assertThat(index.getOrCreate(b)).isEqualTo(2);
            assertThat(index.labels(1)).isEqualTo(a);
            assertThat(index.labels(3)).isNull();
            assertThat(index.getOrCreate(Labels.of("__name__", "c"))).isEqualTo(3);
            assertThat(index.size()).isEqualTo(3);
        }
    }

    @Test
    void registryRefusesSeriesBeyondItsMaximum() {
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 2, allocator)) {
            index.getOrCreate(Labels.of("n", "1"));
            index.getOrCreate(Labels.of("n", "2"));
            assertThat(index.getOrCreate(Labels.of("n", "3"))).isEqualTo(SeriesIndex.FULL);
            assertThat(index.getOrCreate(Labels.of("n", "2"))).isEqualTo(2);
        }
    }

    @Test
    void tornLabelsFileTailIsCutAndALostMapIsRebuiltFromIt() throws IOException {
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator)) {
            for (int i = 1; i <= 30; i++) {
                index.getOrCreate(Labels.of("n", Integer.toString(i)));
            }
        }
        Path labels = dir.resolve(ChronicleSeriesIndex.LABELS_FILE);
        try (FileChannel ch = FileChannel.open(labels, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(labels) - 3);
        }
        Files.delete(dir.resolve(ChronicleSeriesIndex.MAP_FILE));

        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator)) {
            assertThat(index.size()).isEqualTo(29);
            assertThat(index.labels(29)).isEqualTo(Labels.of("n", "29"));
            for (int i = 1; i <= 29; i++) {
                assertThat(index.getOrCreate(Labels.of("n", Integer.toString(i)))).isEqualTo(i);
            }
            assertThat(index.getOrCreate(Labels.of("n", "new"))).isEqualTo(30);
        }
    }
}

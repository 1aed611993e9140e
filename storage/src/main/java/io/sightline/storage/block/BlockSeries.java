package io.sightline.storage.block;

import io.sightline.storage.model.Labels;

import java.util.List;

/** One series as a block writer takes it: id, labels and its chunks, oldest first, not overlapping. */
public record BlockSeries(int id, Labels labels, List<ChunkSlice> chunks) {
}

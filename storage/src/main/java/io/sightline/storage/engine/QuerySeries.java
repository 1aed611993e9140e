package io.sightline.storage.engine;

import io.sightline.storage.SampleIterator;
import io.sightline.storage.Series;
import io.sightline.storage.index.SeriesChunks;
import io.sightline.storage.model.Labels;

/** A selected series: its labels and its chunks in each part that holds some, oldest part first. */
final class QuerySeries implements Series {
    private final Labels labels;
    private final SeriesChunks[] parts;
    private final long mint;
    private final long maxt;

    QuerySeries(Labels labels, SeriesChunks[] parts, long mint, long maxt) {
        this.labels = labels;
        this.parts = parts;
        this.mint = mint;
        this.maxt = maxt;
    }

    @Override
    public Labels labels() {
        return labels;
    }

    @Override
    public SampleIterator iterator(SampleIterator reuse) {
        ChunksIterator it = reuse instanceof ChunksIterator c ? c : new ChunksIterator();
        return it.reset(parts, mint, maxt);
    }
}

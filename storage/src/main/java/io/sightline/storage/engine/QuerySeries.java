package io.sightline.storage.engine;

import io.sightline.storage.SampleIterator;
import io.sightline.storage.Series;
import io.sightline.storage.index.SeriesChunks;
import io.sightline.storage.model.Labels;

/** A selected series: its labels and its chunks in each part that holds some, oldest part first. */
final class QuerySeries implements Series {
    private Labels labels; // and only: re-pointed by a selectEach cursor
    /** Null when the series is in one part only: then {@code only} (most series; saves an array per series). */
    private final SeriesChunks[] parts;
    private SeriesChunks only;
    private final long mint;
    private final long maxt;

    QuerySeries(Labels labels, SeriesChunks[] parts, long mint, long maxt) {
        this.labels = labels;
        this.parts = parts;
        this.only = null;
        this.mint = mint;
        this.maxt = maxt;
    }

    QuerySeries(Labels labels, SeriesChunks only, long mint, long maxt) {
        this.labels = labels;
        this.parts = null;
        this.only = only;
        this.mint = mint;
        this.maxt = maxt;
    }

    /** Points this (single-part) series object at another series: for a cursor whose callers keep none. */
    QuerySeries repoint(Labels labels, SeriesChunks only) {
        this.labels = labels;
        this.only = only;
        return this;
    }

    @Override
    public Labels labels() {
        return labels;
    }

    @Override
    public SampleIterator iterator(SampleIterator reuse) {
        ChunksIterator it = reuse instanceof ChunksIterator c ? c : new ChunksIterator();
        return parts == null ? it.reset(only, mint, maxt) : it.reset(parts, mint, maxt);
    }
}

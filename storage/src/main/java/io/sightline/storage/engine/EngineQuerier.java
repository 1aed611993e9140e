package io.sightline.storage.engine;

import io.sightline.storage.Querier;
import io.sightline.storage.SeriesSet;
import io.sightline.storage.StorageException;
import io.sightline.storage.index.PartReader;
import io.sightline.storage.index.Postings;
import io.sightline.storage.index.PostingsForMatchers;
import io.sightline.storage.index.SampleBuffer;
import io.sightline.storage.index.SeriesChunks;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads a fixed time range across the parts of the store that overlap it (blocks oldest first, then the
 * head). Series ids are global, so a series found in several parts is joined by id. Not thread-safe.
 */
final class EngineQuerier implements Querier {
    private final List<PartReader> parts;
    private final long mint;
    private final long maxt;
    private final Runnable onClose;
    private final SampleBuffer scratch = new SampleBuffer();
    private boolean isClosed;

    EngineQuerier(List<PartReader> parts, long mint, long maxt, Runnable onClose) {
        this.parts = parts;
        this.mint = mint;
        this.maxt = maxt;
        this.onClose = onClose;
    }

    @Override
    public SeriesSet select(boolean sorted, Matcher... matchers) {
        requireSelective(matchers);
        if (!sorted && parts.size() == 1) {
            return partSeries(false, matchers);
        }
        List<QuerySeries> result = collect(matchers);
        if (sorted) {
            result.sort((a, b) -> a.labels().compareTo(b.labels()));
        }
        return new ListSeriesSet(result);
    }

    @Override
    public SeriesSet selectEach(Matcher... matchers) {
        if (parts.size() != 1) {
            return select(false, matchers);
        }
        requireSelective(matchers);
        return partSeries(true, matchers);
    }

    private static void requireSelective(Matcher... matchers) {
        if (PostingsForMatchers.matchesEverySeries(matchers)) {
            throw new StorageException("a selector needs at least one matcher that does not match the empty string, got "
                    + Arrays.toString(matchers));
        }
    }

    private SeriesSet partSeries(boolean reuse, Matcher... matchers) {
        ensureOpen();
        PartReader part = parts.get(0);
        return new PartSeriesSet(part, PostingsForMatchers.select(part.index(), matchers), mint, maxt, scratch,
                this::ensureOpen, reuse);
    }

    private List<QuerySeries> collect(Matcher... matchers) {
        ensureOpen();
        if (parts.size() == 1) {
            return collectSingle(parts.get(0), matchers);
        }
        Map<Integer, List<SeriesChunks>> chunksById = new HashMap<>();
        Map<Integer, Labels> labelsById = new HashMap<>();
        List<Integer> order = new ArrayList<>();
        for (PartReader part : parts) {
            Postings p = PostingsForMatchers.select(part.index(), matchers);
            while (p.next()) {
                int id = p.at();
                SeriesChunks c = part.chunks(id, mint, maxt, scratch);
                if (c == null) {
                    continue;
                }
                List<SeriesChunks> list = chunksById.get(id);
                if (list == null) {
                    list = new ArrayList<>(2);
                    chunksById.put(id, list);
                    labelsById.put(id, part.labels(id));
                    order.add(id);
                }
                list.add(c);
            }
        }
        order.sort(null);
        List<QuerySeries> result = new ArrayList<>(order.size());
        for (Integer id : order) {
            result.add(new QuerySeries(labelsById.get(id), chunksById.get(id).toArray(new SeriesChunks[0]), mint, maxt));
        }
        return result;
    }

    private List<QuerySeries> collectSingle(PartReader part, Matcher... matchers) {
        List<QuerySeries> result = new ArrayList<>();
        Postings p = PostingsForMatchers.select(part.index(), matchers);
        while (p.next()) {
            SeriesChunks c = part.chunks(p.at(), mint, maxt, scratch);
            if (c != null) {
                result.add(new QuerySeries(part.labels(p.at()), c, mint, maxt));
            }
        }
        return result;
    }

    @Override
    public List<String> labelNames(Matcher... matchers) {
        ensureOpen();
        TreeSet<String> names = new TreeSet<>();
        if (matchers.length == 0) {
            for (PartReader part : parts) {
                names.addAll(part.index().labelNames());
            }
        } else {
            for (QuerySeries s : collect(matchers)) {
                for (int i = 0; i < s.labels().size(); i++) {
                    names.add(s.labels().name(i));
                }
            }
        }
        return new ArrayList<>(names);
    }

    @Override
    public List<String> labelValues(String name, Matcher... matchers) {
        ensureOpen();
        TreeSet<String> values = new TreeSet<>();
        if (matchers.length == 0) {
            for (PartReader part : parts) {
                values.addAll(part.index().labelValues(name));
            }
        } else {
            for (QuerySeries s : collect(matchers)) {
                String v = s.labels().get(name);
                if (v != null) {
                    values.add(v);
                }
            }
        }
        return new ArrayList<>(values);
    }

    private void ensureOpen() {
        if (isClosed) {
            throw new StorageException("querier used after close()");
        }
    }

    @Override
    public void close() {
        if (!isClosed) {
            isClosed = true;
            onClose.run();
        }
    }

    /** A series set over a ready list. */
    private static final class ListSeriesSet implements SeriesSet {
        private final List<QuerySeries> series;
        private int index = -1;

        ListSeriesSet(List<QuerySeries> series) {
            this.series = series;
        }

        @Override
        public boolean next() {
            return ++index < series.size();
        }

        @Override
        public QuerySeries at() {
            return series.get(index);
        }
    }
}

package io.sightline.query.promql.engine;

import io.sightline.query.QueryException;
import io.sightline.storage.Querier;
import io.sightline.storage.SampleIterator;
import io.sightline.storage.Series;
import io.sightline.storage.SeriesSet;
import io.sightline.storage.StorageException;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;
import io.sightline.storage.model.StaleMarker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads a selector's series from storage into one {@link SelectorData}, reusing one sample iterator. */
final class SelectorLoader {
    private SelectorLoader() {
    }

    /**
     * Loads samples with {@code minT <= t <= maxT}.
     *
     * @param dropStale leave out stale markers (range selectors ignore them)
     */
    static SelectorData load(QueryContext ctx, List<Matcher> matchers, long minT, long maxT, boolean dropStale) {
        List<Labels> labels = new ArrayList<>();
        int[] offsets = new int[16];
        SampleBufferPool.Buffer buf = ctx.buffers.acquire();
        long[] ts = buf.ts;
        double[] values = buf.values;
        int n = 0;
        if (minT > maxT) {
            return new SelectorData(new Labels[0], new int[1], buf);
        }
        try (Querier q = ctx.queryable.querier(minT, maxT)) {
            SeriesSet set = q.select(false, matchers.toArray(new Matcher[0]));
            SampleIterator it = null;
            while (set.next()) {
                ctx.tick();
                Series s = set.at();
                it = s.iterator(it);
                int seriesStart = n;
                if (it.seek(minT)) {
                    do {
                        if (n == ts.length) {
                            buf.grow(n + 1);
                            ts = buf.ts;
                            values = buf.values;
                        }
                        int copied = it.copy(maxT, ts, values, n);
                        if (copied == 0) {
                            break;
                        }
                        n += copied;
                    } while (it.next());
                }
                if (dropStale) {
                    n = dropStale(ts, values, seriesStart, n);
                }
                if (n == seriesStart) {
                    continue;
                }
                ctx.addSamples(n - seriesStart);
                ctx.samplesLoaded += n - seriesStart;
                if (labels.size() + 1 >= offsets.length) {
                    offsets = Arrays.copyOf(offsets, offsets.length * 2);
                }
                offsets[labels.size()] = seriesStart;
                labels.add(s.labels());
                offsets[labels.size()] = n;
            }
        } catch (StorageException e) {
            throw new QueryException(QueryException.ErrorType.EXECUTION, e.getMessage(), -1, e);
        }
        return new SelectorData(labels.toArray(new Labels[0]), Arrays.copyOf(offsets, labels.size() + 1), buf);
    }

    /** Removes stale markers from {@code [from, to)} in place, keeping order; returns the new end. */
    private static int dropStale(long[] ts, double[] values, int from, int to) {
        int k = from;
        while (k < to && !StaleMarker.isStale(values[k])) {
            k++;
        }
        for (int i = k; i < to; i++) {
            if (!StaleMarker.isStale(values[i])) {
                ts[k] = ts[i];
                values[k] = values[i];
                k++;
            }
        }
        return k;
    }
}

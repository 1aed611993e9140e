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
import java.util.concurrent.Future;

/**
 * Reads a selector's series from storage into one {@link SelectorData}, reusing one sample iterator. A
 * selector with many series has its second half decoded by an idle helper thread, when there is one, into a
 * buffer of its own that is then appended: the same data in the same order either way.
 */
final class SelectorLoader {
    private SelectorLoader() {
    }

    /**
     * Loads samples with {@code minT <= t <= maxT}.
     *
     * @param dropStale leave out stale markers (range selectors ignore them)
     */
    static SelectorData load(QueryContext ctx, List<Matcher> matchers, long minT, long maxT, boolean dropStale) {
        SampleBufferPool.Buffer buf = ctx.buffers.acquire();
        if (minT > maxT) {
            return new SelectorData(new Labels[0], new int[1], buf);
        }
        Future<Part> helper = null;
        try (Querier q = ctx.queryable.querier(minT, maxT)) {
            SeriesSet set = q.select(false, matchers.toArray(new Matcher[0]));
            List<Series> all = new ArrayList<>();
            while (set.next()) {
                all.add(set.at());
            }
            int split = all.size();
            if (split >= HelperThreads.MIN_SERIES) {
                SampleBufferPool.Buffer helperBuf = ctx.buffers.acquire();
                int from = split / 2;
                helper = ctx.helpers.tryStart(() -> new Part(helperBuf).load(null, all, from, all.size(), minT, maxT, dropStale));
                if (helper == null) {
                    ctx.buffers.release(helperBuf);
                } else {
                    split = from;
                }
            }
            Part mine = new Part(buf).load(ctx, all, 0, split, minT, maxT, dropStale);
            if (helper != null) {
                Part theirs = HelperThreads.join(helper);
                helper = null;
                ctx.addSamples(theirs.sampleCount());
                ctx.samplesLoaded += theirs.sampleCount();
                mine.append(theirs);
                ctx.buffers.release(theirs.buf);
            }
            return mine.toData();
        } catch (StorageException e) {
            throw new QueryException(QueryException.ErrorType.EXECUTION, e.getMessage(), -1, e);
        } finally {
            if (helper != null) { // failed before the join: let the helper finish before the querier closes
                try {
                    helper.get();
                } catch (Exception ignored) {
                    // the query already fails with the first error
                }
            }
        }
    }

    /** Receives one series' samples {@code ts/values[0, n)}; the arrays are reused for the next series. */
    @FunctionalInterface
    interface SeriesSamples {
        void accept(Labels labels, long[] ts, double[] values, int n);
    }

    /**
     * Reads the selector's series one at a time into one reused buffer and hands each to {@code sink} while its
     * samples are still in cache: nothing is held for the whole selector, so memory is one series' samples and
     * the buffer never grows past the largest series. Series with no sample in range are skipped; the same
     * series, samples and order as {@link #load}.
     */
    static void forEach(QueryContext ctx, List<Matcher> matchers, long minT, long maxT, boolean dropStale,
                        SeriesSamples sink) {
        if (minT > maxT) {
            return;
        }
        SampleBufferPool.Buffer buf = ctx.buffers.acquire();
        try (Querier q = ctx.queryable.querier(minT, maxT)) {
            SeriesSet set = q.selectEach(matchers.toArray(new Matcher[0])); // no series is kept past its turn
            SampleIterator it = null;
            while (set.next()) {
                ctx.tick();
                Series s = set.at();
                it = s.iterator(it);
                int n = 0;
                if (it.seek(minT)) {
                    do {
                        if (n == buf.ts.length) {
                            buf.grow(n + 1);
                        }
                        int copied = it.copy(maxT, buf.ts, buf.values, n);
                        if (copied == 0) {
                            break;
                        }
                        n += copied;
                    } while (it.next());
                }
                if (dropStale) {
                    n = dropStale(buf.ts, buf.values, 0, n);
                }
                if (n == 0) {
                    continue;
                }
                ctx.addSamples(n);
                ctx.samplesLoaded += n;
                try {
                    sink.accept(s.labels(), buf.ts, buf.values, n);
                } finally {
                    ctx.releaseSamples(n);
                }
            }
        } catch (StorageException e) {
            throw new QueryException(QueryException.ErrorType.EXECUTION, e.getMessage(), -1, e);
        } finally {
            ctx.buffers.release(buf);
        }
    }

    /** The samples of a run of series in one buffer: series k owns {@code [offsets[k], offsets[k+1])}. */
    private static final class Part {
        final SampleBufferPool.Buffer buf;
        final List<Labels> labels = new ArrayList<>();
        int[] offsets = new int[16];
        int n;

        Part(SampleBufferPool.Buffer buf) {
            this.buf = buf;
        }

        /** Loads series {@code [from, to)}; accounts and checks the deadline through ctx unless it is null. */
        Part load(QueryContext ctx, List<Series> series, int from, int to, long minT, long maxT, boolean dropStale) {
            long[] ts = buf.ts;
            double[] values = buf.values;
            SampleIterator it = null;
            for (int k = from; k < to; k++) {
                if (ctx != null) {
                    ctx.tick();
                }
                Series s = series.get(k);
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
                if (ctx != null) {
                    ctx.addSamples(n - seriesStart);
                    ctx.samplesLoaded += n - seriesStart;
                }
                add(s.labels(), seriesStart, n);
            }
            return this;
        }

        private void add(Labels l, int start, int end) {
            if (labels.size() + 1 >= offsets.length) {
                offsets = Arrays.copyOf(offsets, offsets.length * 2);
            }
            offsets[labels.size()] = start;
            labels.add(l);
            offsets[labels.size()] = end;
        }

        int sampleCount() {
            return n;
        }

        /** Appends another part's series and samples after this one's. */
        void append(Part o) {
            if (buf.ts.length < n + o.n) {
                buf.grow(n + o.n);
            }
            System.arraycopy(o.buf.ts, 0, buf.ts, n, o.n);
            System.arraycopy(o.buf.values, 0, buf.values, n, o.n);
            for (int k = 0; k < o.labels.size(); k++) {
                add(o.labels.get(k), n + o.offsets[k], n + o.offsets[k + 1]);
            }
            n += o.n;
        }

        SelectorData toData() {
            return new SelectorData(labels.toArray(new Labels[0]), Arrays.copyOf(offsets, labels.size() + 1), buf);
        }
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

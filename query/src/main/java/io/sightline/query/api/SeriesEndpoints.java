package io.sightline.query.api;

import io.sightline.query.promql.parser.Strings;
import io.sightline.query.HttpCall;
import io.sightline.query.QueryException;
import io.sightline.storage.Querier;
import io.sightline.storage.SeriesSet;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageException;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;

import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * {@code /api/v1/series}, {@code /api/v1/labels} and {@code /api/v1/label/<name>/values}, read straight from
 * storage. Several {@code match[]} selectors give the union, sorted. With a {@code limit} only that many are kept
 * in memory (the smallest in order) and a warning says the answer was cut.
 */
final class SeriesEndpoints {
    static final String LABEL_PREFIX = "/api/v1/label/";
    private static final String VALUES_SUFFIX = "/values";
    private static final Matcher[] NONE = new Matcher[0];

    private final Storage storage;

    SeriesEndpoints(Storage storage) {
        this.storage = storage;
    }

    Reply series(HttpCall call) {
        if (call.params().getOrDefault(Params.MATCH, List.of()).isEmpty()) {
            throw Params.badData("no match[] parameter provided");
        }
        Selection sel = Selection.of(call);
        Bounded<Labels> result = new Bounded<>(sel.limit());
        try (Querier q = storage.querier(sel.start(), sel.end())) {
            for (List<Matcher> set : sel.sets()) {
                SeriesSet ss = q.select(true, set.toArray(NONE));
                while (ss.next()) {
                    result.add(ss.at().labels());
                }
            }
        } catch (StorageException e) {
            throw execution(e);
        }
        return Reply.success(out -> {
            out.gen().writeStartArray();
            for (Labels l : result.items) {
                out.labels(l);
            }
            out.gen().writeEndArray();
        }, result.warnings(), List.of());
    }

    Reply labelNames(HttpCall call) {
        return strings(call, Querier::labelNames);
    }

    /** {@code /api/v1/label/<name>/values}; the name may be escaped in Prometheus 3's {@code U__} form. */
    Reply labelValues(HttpCall call) {
        String path = call.path();
        if (!path.endsWith(VALUES_SUFFIX) || path.length() <= LABEL_PREFIX.length() + VALUES_SUFFIX.length()) {
            throw new QueryException(QueryException.ErrorType.NOT_FOUND, "unknown endpoint " + Strings.goQuote(path)
                    + "; label values are at /api/v1/label/<name>/values");
        }
        String name = LabelNames.unescape(path.substring(LABEL_PREFIX.length(), path.length() - VALUES_SUFFIX.length()));
        return strings(call, (q, matchers) -> q.labelValues(name, matchers));
    }

    /** A label lookup under some matchers. */
    private interface Lookup {
        List<String> find(Querier q, Matcher... matchers);
    }

    private Reply strings(HttpCall call, Lookup lookup) {
        Selection sel = Selection.of(call);
        Bounded<String> result = new Bounded<>(sel.limit());
        try (Querier q = storage.querier(sel.start(), sel.end())) {
            if (sel.sets().isEmpty()) {
                lookup.find(q, NONE).forEach(result::add);
            }
            for (List<Matcher> set : sel.sets()) {
                lookup.find(q, set.toArray(NONE)).forEach(result::add);
            }
        } catch (StorageException e) {
            throw execution(e);
        }
        return Reply.success(out -> out.stringArray(result.items), result.warnings(), List.of());
    }

    private static QueryException execution(StorageException e) {
        return new QueryException(QueryException.ErrorType.EXECUTION, e.getMessage(), -1, e);
    }

    /** The parameters all three endpoints share: limit, time range (all time by default), match[] selectors. */
    private record Selection(int limit, long start, long end, List<List<Matcher>> sets) {
        static Selection of(HttpCall call) {
            return new Selection(Params.limit(call), Params.time(call, "start", PromTime.MIN_MILLIS),
                    Params.time(call, "end", PromTime.MAX_MILLIS), Params.matcherSets(call));
        }
    }

    /** A sorted set that keeps at most {@code limit} items (all when 0) and remembers whether it dropped any. */
    private static final class Bounded<T extends Comparable<T>> {
        final NavigableSet<T> items = new TreeSet<>();
        private final int limit;
        private boolean truncated;

        Bounded(int limit) {
            this.limit = limit;
        }

        void add(T item) {
            if (items.add(item) && limit > 0 && items.size() > limit) {
                items.pollLast();
                truncated = true;
            }
        }

        List<String> warnings() {
            return truncated ? List.of(QueryEndpoints.TRUNCATED) : List.of();
        }
    }
}

package io.sightline.query.traceql;

import io.sightline.storage.SpanAppender;
import io.sightline.storage.TraceStore;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;

import java.util.List;

/**
 * Three small traces written to a real trace store, the first one cut into a segment, so that searches read both
 * segments and the head. Times are relative to {@link #BASE}.
 */
final class TraceFixtures {
    static final long MS = 1_000_000L;
    static final long S = 1_000 * MS;
    /** Ten minutes ago, so that default search ranges (the last hour) cover every trace. */
    static final long BASE = (System.currentTimeMillis() - 600_000) * MS;
    /** Oldest: pay, 2 s, three client "charge" spans of 100 ms. */
    static final String PAY = "11111111111111111111111111111111";
    /** web root (ok, 50 ms) calling cart, whose server span errs. */
    static final String WEB = "22222222222222222222222222222222";
    /** Newest: cart root that errs, with a 300 ms postgres SELECT. */
    static final String CART = "33333333333333333333333333333333";

    private TraceFixtures() {
    }

    static void write(TraceStore store) {
        SpanAppender a = store.appender();
        a.append(span(PAY, "a000000000000001", "", "pay", "POST /pay", Span.KIND_SERVER, 0, 2 * S, Span.STATUS_UNSET,
                Attributes.builder().putString("http.route", "/pay").putLong("http.response.status_code", 200).build()));
        for (int i = 0; i < 3; i++) {
            a.append(span(PAY, "a00000000000001" + i, "a000000000000001", "pay", "charge", Span.KIND_CLIENT,
                    (100 + 200 * i) * MS, (200 + 200 * i) * MS, Span.STATUS_UNSET,
                    Attributes.builder().putString("rpc.service", "Bank").putLong("attempt", i).build()));
        }
        a.commit();
        store.cutSegment();
        a.append(span(WEB, "b000000000000001", "", "web", "GET /home", Span.KIND_SERVER, 10 * S, 10 * S + 50 * MS,
                Span.STATUS_OK, Attributes.builder().putString("http.route", "/home").putLong("http.response.status_code", 200).build()));
        a.append(span(WEB, "b000000000000002", "b000000000000001", "cart", "GET /cart", Span.KIND_SERVER, 10 * S + 5 * MS,
                10 * S + 25 * MS, Span.STATUS_ERROR, Attributes.builder().putString("http.route", "/cart")
                        .putLong("http.response.status_code", 503).build()));
        a.commit();
        a.append(span(CART, "c000000000000001", "", "cart", "GET /cart", Span.KIND_SERVER, 20 * S, 20 * S + 400 * MS,
                Span.STATUS_ERROR, Attributes.builder().putString("http.route", "/cart").putLong("http.response.status_code", 500)
                        .putDouble("cart.ratio", 0.75).build()));
        a.append(span(CART, "c000000000000002", "c000000000000001", "cart", "SELECT", Span.KIND_CLIENT, 20 * S + 50 * MS,
                20 * S + 350 * MS, Span.STATUS_UNSET, Attributes.builder().putString("db.system", "postgresql").build()));
        a.commit();
    }

    static Span span(String trace, String id, String parent, String service, String name, int kind, long start, long end,
                     int status, Attributes attrs) {
        return new Span(trace, id, parent, "", name, kind, BASE + start, BASE + end, status,
                status == Span.STATUS_ERROR ? "failed" : "", attrs,
                Attributes.ofStrings("service.name", service, "deployment.environment", "prod"), "io.sightline.test", "1.0",
                List.of(), List.of());
    }
}

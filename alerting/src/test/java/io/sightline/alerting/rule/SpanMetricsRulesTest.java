package io.sightline.alerting.rule;

import io.sightline.alerting.state.AlertState;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.sightline.alerting.rule.RuleTestSupport.with;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/rules/spanmetrics.yml on the series span metrics write (Tempo's names and labels): a slow, failing checkout
 * service fires both alerts; a healthy one fires neither.
 */
class SpanMetricsRulesTest {
    private static final long T0 = 1_800_000_000_000L;
    private static final double[] BOUNDS = {0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048,
            4.096, 8.192, 16.384};

    @TempDir
    Path dir;

    @Test
    void p99LatencyAndErrorRatioAlertsFireForTheSlowFailingServiceOnly() {
        try (RuleTestSupport s = new RuleTestSupport(dir)) {
            s.manager.load(List.of(RuleTestSupport.deployRules() + "/spanmetrics.yml"));
            double slowOk = 0;
            double slowErr = 0;
            double fast = 0;
            for (long t = T0; t <= T0 + 900_000; t += 15_000) {
                slowOk += 9 * 15;   // checkout: 10 requests/s, 1 of them an error, every one taking 0.6-1 s
                slowErr += 15;
                fast += 10 * 15;    // cart: 10 requests/s, all fine, all under 16 ms
                writeServer(s, t, "checkout", "POST /checkout", "STATUS_CODE_UNSET", slowOk, 1.0);
                writeServer(s, t, "checkout", "POST /checkout", "STATUS_CODE_ERROR", slowErr, 1.0);
                writeServer(s, t, "cart", "GET /cart", "STATUS_CODE_UNSET", fast, 0.016);
                s.evaluateAll(t);
            }
            Map<String, AlertState> states = s.alertStatesOfHealthyRules();
            assertThat(states).containsEntry("SpanLatencyHighP99", AlertState.FIRING)
                    .containsEntry("SpanErrorRatioHigh", AlertState.FIRING);
            long end = T0 + 900_000;
            assertThat(s.query("ALERTS{alertstate=\"firing\"}", end)).extracting(x -> x.labels().get("service"))
                    .containsOnly("checkout");
            assertThat(s.query("service:traces_spanmetrics_error_ratio:rate5m{service=\"checkout\"}", end)).singleElement()
                    .satisfies(x -> assertThat(x.value()).isCloseTo(0.1, Offset.offset(1e-9)));
            assertThat(s.query("service:traces_spanmetrics_error_ratio:rate5m{service=\"cart\"}", end)).singleElement()
                    .satisfies(x -> assertThat(x.value()).isZero());
        }
    }

    /** A SERVER span metric label set whose every span took {@code le} seconds or just under it. */
    private static void writeServer(RuleTestSupport s, long t, String service, String name, String status, double calls, double le) {
        String[] l = {"service", service, "span_name", name, "span_kind", "SPAN_KIND_SERVER", "status_code", status};
        s.write("traces_spanmetrics_calls_total", t, calls, l);
        for (double b : BOUNDS) {
            s.write("traces_spanmetrics_latency_bucket", t, b >= le ? calls : 0, with(l, "le", Double.toString(b)));
        }
        s.write("traces_spanmetrics_latency_bucket", t, calls, with(l, "le", "+Inf"));
        s.write("traces_spanmetrics_latency_count", t, calls, l);
        s.write("traces_spanmetrics_latency_sum", t, calls * le, l);
    }
}

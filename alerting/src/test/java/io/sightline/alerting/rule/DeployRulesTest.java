package io.sightline.alerting.rule;

import io.sightline.alerting.state.AlertState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.sightline.alerting.rule.RuleTestSupport.with;
import static org.assertj.core.api.Assertions.assertThat;

/** The rule files that ship in deploy/rules load cleanly and fire on OTel HTTP server data that is slow and failing. */
class DeployRulesTest {
    private static final long T0 = 1_800_000_000_000L;

    @TempDir
    Path dir;


    @Test
    void latencyErrorAndBurnRateRulesFireForASlowFailingService() {
        try (RuleTestSupport s = new RuleTestSupport(dir)) {
            s.manager.load(List.of(RuleTestSupport.deployRules() + "/*.yml"));
            assertThat(s.manager.groups()).extracting(g -> g.spec().name())
                    .contains("http-server-latency", "http-server-errors", "http-server-slo-burn-rate");
            // 10 requests/s, 1 of them a 500; every request takes between 0.5 s and 1 s.
            double ok = 0;
            double failed = 0;
            for (long t = T0; t <= T0 + 600_000; t += 15_000) {
                ok += 9 * 15;
                failed += 15;
                for (String code : new String[]{"200", "500"}) {
                    double n = code.equals("200") ? ok : failed;
                    String[] l = {"job", "shop/checkout", "http_response_status_code", code, "http_route", "/cart"};
                    s.write("http_server_request_duration_seconds_count", t, n, l);
                    for (String le : new String[]{"0.1", "0.5"}) {
                        s.write("http_server_request_duration_seconds_bucket", t, 0, with(l, "le", le));
                    }
                    for (String le : new String[]{"1", "+Inf"}) {
                        s.write("http_server_request_duration_seconds_bucket", t, n, with(l, "le", le));
                    }
                }
                s.evaluateAll(t);
            }
            Map<String, AlertState> states = s.alertStatesOfHealthyRules();
            assertThat(states).containsEntry("HttpServerHighLatencyP99", AlertState.PENDING)
                    .containsEntry("HttpServerHighErrorRatio", AlertState.FIRING)
                    .containsEntry("HttpServerErrorBudgetBurn", AlertState.FIRING);
            assertThat(s.query("job:http_server_requests_5xx:ratio_rate5m{slo=\"\"}", T0 + 600_000)).singleElement()
                    .satisfies(x -> assertThat(x.value()).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-9)));
        }
    }

}

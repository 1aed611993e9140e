package io.sightline.query.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LinePatternTest {
    private static void check(String line, String pattern) {
        assertThat(LinePattern.of(line)).as(line).isEqualTo(pattern);
    }

    @Test
    void masksNumbersIdsAndValuesButKeepsWordsAndKeys() {
        check("ts=2024-03-30T23:03:40 caller=grpc.go:66 level=info duration=200ms msg=gRPC",
                "ts=<_> caller=<_> level=info duration=<_> msg=gRPC");
        check("GET /api/users/123 200 15ms", "GET <_>");
        check("GET /api/users 200 15ms from 10.0.0.1", "GET /api/users <_> from <_>");
        check("{\"status\":200,\"path\":\"/x\",\"user\":\"u7\"}", "{\"status\":<_>,\"path\":\"/x\",\"user\":<_>");
        check("connection refused", "connection refused");
        check("", "");
    }

    @Test
    void linesThatDifferOnlyInValuesShareOnePattern() {
        assertThat(LinePattern.of("user 17 logged in from 10.1.2.3 after 3 tries"))
                .isEqualTo(LinePattern.of("user 9 logged in from 192.168.0.1 after 12 tries"))
                .isEqualTo("user <_> logged in from <_> after <_> tries");
    }

    @Test
    void drainMergesLinesThatDifferInAWordAndKeepsOtherShapesApart() {
        Drain drain = new Drain(100);
        Drain.Cluster alice = drain.add("login ok for user alice from the web app");
        assertThat(drain.add("login ok for user bob from the web app")).isSameAs(alice);
        assertThat(drain.add("login ok for user carol from the mobile app")).isSameAs(alice);
        Drain.Cluster failed = drain.add("payment failed for order 42: card declined");
        assertThat(failed).isNotSameAs(alice);
        assertThat(drain.add("disk full")).isNotSameAs(alice).isNotSameAs(failed);
        assertThat(drain.add("payment failed for order 77: card expired")).isSameAs(failed);
        assertThat(alice.pattern()).isEqualTo("login ok for user <_> from the <_> app");
        assertThat(failed.pattern()).isEqualTo("payment failed for order <_> card <_>");
        assertThat(drain.clusters()).hasSize(3);
    }

    @Test
    void drainLeavesLinesWithFewCommonTokensInClustersOfTheirOwnAndHonoursItsCap() {
        Drain drain = new Drain(2);
        Drain.Cluster a = drain.add("alpha beta gamma delta epsilon zeta eta theta iota kappa");
        Drain.Cluster b = drain.add("one two three four five six seven eight nine ten");
        assertThat(b).isNotSameAs(a);
        assertThat(drain.add("uno dos tres cuatro cinco seis siete ocho nueve diez")).as("past the cap").isNull();
        assertThat(drain.add("alpha beta gamma delta epsilon zeta eta theta iota kappa")).isSameAs(a);
        assertThat(a.pattern()).isEqualTo("alpha beta gamma delta epsilon zeta eta theta iota kappa");
    }
}

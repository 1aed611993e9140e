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
}

package io.sightline.query.logql;

import io.sightline.query.QueryException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded mutations of valid LogQL either parse or fail with a bad_data QueryException; never another
 * exception. Replay a failure with {@code -Dlogql.fuzz.seed=<seed>}.
 */
class ParserFuzzTest {
    private static final List<String> VALID = List.of(
            "{service_name=\"api\", env=~\"prod|dev\"} |= \"error\" != \"timeout\" |~ \"(?i)fail\" !~ \"x+\"",
            "{a=\"b\"} | json | status >= 500 and latency > 250ms or size < 10KB | line_format \"{{.msg | upper}} {{if .x}}y{{else}}z{{end}}\"",
            "{a=\"b\"} | logfmt | label_format n=\"{{.a}}-{{.b}}\", m=a | drop x, y | keep z",
            "{a=\"b\"} | regexp \"(?P<ip>\\\\S+) (?P<code>\\\\d+)\" | pattern \"<_> <method> <path>\" | decolorize",
            "sum by (service_name) (count_over_time({a=\"b\"} |= \"x\" [5m] offset 1m)) / 2 > bool 1",
            "topk(3, sum without (pod) (rate({a=\"b\"}[1h])))",
            "quantile_over_time(0.99, {a=\"b\"} | json | unwrap duration(latency) [5m]) by (service)",
            "sum(bytes_rate({a=\"b\"}[1m])) or vector(0)",
            "count_over_time(({a=\"b\"} | json a=\"x.y\", c=\"arr[0]\")[10s])");
    private static final String ALPHABET = "{}()[]|=!~<>\"`,.:+-*/%^ abcxyz019_$\\\n#";

    @Test
    void mutatedQueriesParseOrFailWithBadData() {
        // A fixed default seed keeps CI deterministic; -Dlogql.fuzz.seed=<n> explores (or replays) another.
        long seed = Long.getLong("logql.fuzz.seed", 8487704557327L);
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder q = new StringBuilder(VALID.get(random.nextInt(VALID.size())));
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits && !q.isEmpty(); e++) {
                int at = random.nextInt(q.length());
                switch (random.nextInt(3)) {
                    case 0 -> q.deleteCharAt(at);
                    case 1 -> q.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                    default -> q.setLength(at);
                }
            }
            String query = q.toString();
            try {
                Expr e = Parser.parse(query);
                assertThat(e).isNotNull();
            } catch (QueryException ok) {
                assertThat(ok.type()).as("seed %d query %s", seed, query).isEqualTo(QueryException.ErrorType.BAD_DATA);
            } catch (RuntimeException bug) {
                throw new AssertionError("seed " + seed + ": " + bug + " for query: " + query, bug);
            }
        }
    }
}

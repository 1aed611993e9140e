package io.sightline.query.api;

import io.sightline.query.QueryEngine;
import io.sightline.query.QueryException;
import io.sightline.query.QueryOptions;
import io.sightline.query.QueryResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Requests the query endpoints refuse before they reach the engine, with Prometheus's messages. */
class QueryParamsTest {
    /** Fails the test if a refused request got through to evaluation. */
    private static final QueryEngine NEVER_REACHED = new QueryEngine() {
        @Override
        public void check(String expr) {
            throw new AssertionError("a refused request reached the engine");
        }

        @Override
        public QueryResult instantQuery(String expr, long timeMillis, QueryOptions options) {
            throw new AssertionError("a refused request reached the engine");
        }

        @Override
        public QueryResult rangeQuery(String expr, long startMillis, long endMillis, long stepMillis, QueryOptions options) {
            throw new AssertionError("a refused request reached the engine");
        }
    };

    private final QueryEndpoints endpoints = new QueryEndpoints(NEVER_REACHED, 11_000, Clock.systemUTC());

    @ParameterizedTest(name = "{0}")
    @CsvSource(value = {
            "start=x&end=10&step=1| invalid parameter \"start\": cannot parse \"x\" to a valid timestamp",
            "end=10&step=1| invalid parameter \"start\": cannot parse \"\" to a valid timestamp",
            "start=0&end=2015-13-01T00:00:00Z&step=1| invalid parameter \"end\": cannot parse \"2015-13-01T00:00:00Z\" to a valid timestamp",
            "start=10&end=9&step=1| invalid parameter \"end\": end timestamp must not be before start time",
            "start=0&end=10| invalid parameter \"step\": cannot parse \"\" to a valid duration",
            "start=0&end=10&step=5q| invalid parameter \"step\": cannot parse \"5q\" to a valid duration",
            "start=0&end=10&step=0| invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer",
            "start=0&end=10&step=-15s| invalid parameter \"step\": cannot parse \"-15s\" to a valid duration",
            "start=0&end=10&step=-1| invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer",
            "start=0&end=11001&step=1| exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)",
            "start=0&end=10&step=1&limit=x| invalid parameter \"limit\": cannot parse \"x\" to a valid limit: not an integer",
            "start=0&end=10&step=1&timeout=soon| invalid parameter \"timeout\": cannot parse \"soon\" to a valid duration",
            "start=0&end=10&step=1&timeout=0| invalid parameter \"timeout\": timeout must be positive, got \"0\"",
            "start=0&end=10&step=1&lookback_delta=1x| error parsing lookback delta duration: cannot parse \"1x\" to a valid duration",
    }, delimiter = '|')
    void rangeQueriesRefuseBadParametersAsPrometheusDoes(String query, String message) {
        assertThatThrownBy(() -> endpoints.range(call("/api/v1/query_range", query)))
                .isInstanceOfSatisfying(QueryException.class, e -> org.assertj.core.api.Assertions
                        .assertThat(e.type()).isEqualTo(QueryException.ErrorType.BAD_DATA))
                .hasMessage(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(value = {
            "query=up&time=noon| invalid parameter \"time\": invalid time value for 'time': cannot parse \"noon\" to a valid timestamp",
            "query=up&limit=-2| invalid parameter \"limit\": limit must be non-negative",
    }, delimiter = '|')
    void instantQueriesRefuseBadParametersAsPrometheusDoes(String query, String message) {
        assertThatThrownBy(() -> endpoints.instant(call("/api/v1/query", query))).hasMessage(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(value = {
            "start=x| invalid parameter \"start\": invalid time value for 'start': cannot parse \"x\" to a valid timestamp",
            "start=10&end=9| end timestamp must not be before start timestamp",
    }, delimiter = '|')
    void exemplarQueriesCheckTheirRange(String query, String message) {
        assertThatThrownBy(() -> endpoints.exemplars(call("/api/v1/query_exemplars", query))).hasMessage(message);
    }

    private static io.sightline.query.HttpCall call(String path, String query) {
        String[] pairs = query.split("&");
        String[] nameValues = new String[pairs.length * 2];
        for (int i = 0; i < pairs.length; i++) {
            int eq = pairs[i].indexOf('=');
            nameValues[2 * i] = pairs[i].substring(0, eq);
            nameValues[2 * i + 1] = pairs[i].substring(eq + 1);
        }
        return Calls4Test.get(path, nameValues);
    }
}

package io.sightline.query.api;

import io.sightline.query.promql.parser.Strings;
import io.sightline.query.QueryException;
import io.sightline.storage.model.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParamsTest {
    @ParameterizedTest(name = "{0} is {1} ms")
    @CsvSource({
            "1435781451.781, 1435781451781",
            "1435781451, 1435781451000",
            "1435781451.7815, 1435781451782",
            "0.0004, 0",
            "-1.5, -1500",
            "1e3, 1000000",
            "+12, 12000",
            ".5, 500",
            "2015-07-01T20:10:51.781Z, 1435781451781",
            "2015-07-01T20:10:51Z, 1435781451000",
            "2015-07-01T22:10:51.781123456+02:00, 1435781451781",
            "1970-01-01T00:00:00Z, 0",
            "-292273086-05-16T16:47:06Z, -9223309901257974000",
            "292277025-08-18T07:12:54.999999999Z, 9223309901257974999",
    })
    void timestampsAreUnixSecondsOrRfc3339(String text, long millis) {
        assertThat(PromTime.parseMillis(text)).isEqualTo(millis);
    }

    @ParameterizedTest(name = "{0} is not a timestamp")
    @CsvSource(value = {"x", "''", "2015-07-01", "2015-07-01 20:10:51Z", "2015-07-01T20:10Z", "NaN", "Inf",
            "1d", "0x10", "' 12'", "12s"}, quoteCharacter = '\'')
    void badTimestampsAreRefusedQuotingTheValue(String text) {
        assertThatThrownBy(() -> PromTime.parseMillis(text))
                .hasMessage("cannot parse " + Strings.goQuote(text) + " to a valid timestamp");
    }

    @ParameterizedTest(name = "{0} is {1} ns")
    @CsvSource({
            "15, 15000000000",
            "0.5, 500000000",
            "1e-3, 1000000",
            "0, 0",
            "-5, -5000000000",
            "100ms, 100000000",
            "30s, 30000000000",
            "5m, 300000000000",
            "1h30m, 5400000000000",
            "1d, 86400000000000",
            "1w, 604800000000000",
            "1y, 31536000000000000",
            "1h0m30s100ms, 3630100000000",
    })
    void durationsAreFloatSecondsOrPrometheusDurations(String text, long nanos) {
        assertThat(PromDuration.parseNanos(text)).isEqualTo(nanos);
    }

    @ParameterizedTest(name = "{0} is not a duration")
    @CsvSource(value = {"''", "5x", "m5", "5m1h", "1.5m", "-5m", "5 m", "NaN"}, quoteCharacter = '\'')
    void badDurationsAreRefusedQuotingTheValue(String text) {
        assertThatThrownBy(() -> PromDuration.parseNanos(text))
                .hasMessage("cannot parse " + Strings.goQuote(text) + " to a valid duration");
    }

    @Test
    void durationsBeyondInt64NanosecondsSayTheyOverflow() {
        assertThatThrownBy(() -> PromDuration.parseNanos("1e30"))
                .hasMessage("cannot parse \"1e30\" to a valid duration. It overflows int64");
        assertThatThrownBy(() -> PromDuration.parseNanos("1000y"))
                .hasMessageContaining("duration out of range");
    }

    @Test
    void optionalTimeParametersNameTheParameterTwiceAsPrometheusDoes() {
        assertThat(Params.time(Calls4Test.get("/x"), "start", 42)).isEqualTo(42);
        assertThat(Params.time(Calls4Test.get("/x", "start", ""), "start", 42)).isEqualTo(42);
        assertThatThrownBy(() -> Params.time(Calls4Test.get("/x", "start", "yesterday"), "start", 0))
                .isInstanceOfSatisfying(QueryException.class,
                        e -> assertThat(e.type()).isEqualTo(QueryException.ErrorType.BAD_DATA))
                .hasMessage("invalid parameter \"start\": invalid time value for 'start': "
                        + "cannot parse \"yesterday\" to a valid timestamp");
    }

    @Test
    void requiredTimeParametersFailWhenMissing() {
        assertThatThrownBy(() -> Params.requiredTime(Calls4Test.get("/x"), "end"))
                .hasMessage("invalid parameter \"end\": cannot parse \"\" to a valid timestamp");
    }

    @ParameterizedTest(name = "limit={0}")
    @CsvSource(value = {"'', 0", "0, 0", "5, 5"}, quoteCharacter = '\'')
    void limitIsANonNegativeInteger(String text, int limit) {
        assertThat(Params.limit(Calls4Test.get("/x", "limit", text))).isEqualTo(limit);
    }

    @Test
    void badLimitsNameTheParameterAndValue() {
        assertThatThrownBy(() -> Params.limit(Calls4Test.get("/x", "limit", "-1")))
                .hasMessage("invalid parameter \"limit\": limit must be non-negative");
        assertThatThrownBy(() -> Params.limit(Calls4Test.get("/x", "limit", "ten")))
                .hasMessage("invalid parameter \"limit\": cannot parse \"ten\" to a valid limit: not an integer");
        assertThatThrownBy(() -> Params.number(Calls4Test.get("/x", "limit_per_metric", "x"), "limit_per_metric", -1))
                .hasMessage("limit_per_metric must be a number, got \"x\"");
    }

    @Test
    void matchSelectorsBecomeMatcherSets() {
        List<List<Matcher>> sets = Params.matcherSets(Calls4Test.get("/x", "match[]", "up", "match[]",
                "{job=~\"a.*\"}"));
        assertThat(sets).hasSize(2);
        assertThat(sets.get(0)).containsExactly(Matcher.eq("__name__", "up"));
        assertThat(sets.get(1)).containsExactly(Matcher.of(Matcher.Type.RE, "job", "a.*"));
        assertThat(Params.matcherSets(Calls4Test.get("/x"))).isEmpty();
    }

    @Test
    void matchSelectorsThatMatchEverythingAreRefused() {
        assertThatThrownBy(() -> Params.matcherSets(Calls4Test.get("/x", "match[]", "{job=~\".*\"}")))
                .hasMessage("invalid parameter \"match[]\": match[] must contain at least one non-empty matcher, "
                        + "got \"{job=~\\\".*\\\"}\"");
        assertThatThrownBy(() -> Params.matcherSets(Calls4Test.get("/x", "match[]", "up{")))
                .hasMessageStartingWith("invalid parameter \"match[]\": 1:4: parse error: ");
    }
}

package io.sightline.query.promql.parser;

import io.sightline.query.QueryException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One duration grammar for queries and API parameters, as Prometheus's {@code model.ParseDuration}. */
class DurationsTest {
    @ParameterizedTest
    @CsvSource({"0, 0", "1m0s, 60000", "1h30m, 5400000", "1y2w3d, 33004800000", "1s500ms, 1500", "5ms, 5"})
    void unitsLargestFirstEachAtMostOnce(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(millis);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5s1m", "1m1m", "ms", "1", "", "1h-5m", "10x"})
    void otherOrdersAndShapesAreNoDuration(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a valid duration string: " + Strings.goQuote(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999s", "300000000y"})
    void hugeDurationsAreOutOfRange(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).hasMessage("duration out of range");
    }

    @org.junit.jupiter.api.Test
    void aQueryWithAnOutOfOrderDurationIsAPositionedParseError() {
        assertThatThrownBy(() -> Parser.parse("rate(x[5s1m])")).isInstanceOf(QueryException.class)
                .hasMessage("1:8: parse error: not a valid duration string: \"5s1m\"");
        assertThat(Printer.print(Parser.parse("rate(x[1m0s])"))).isEqualTo("rate(x[1m])");
    }
}

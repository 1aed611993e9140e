package io.sightline.server.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValueParsersTest {
    @ParameterizedTest
    @CsvSource({"0,0", "15s,15000", "5m,300000", "1h30m,5400000", "2h,7200000", "15d,1296000000", "1w,604800000",
            "250ms,250", "1y,31536000000"})
    void parsesPrometheusDurations(String text, long millis) {
        assertThat(ValueParsers.durationMillis(text)).isEqualTo(millis);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "5 m", "m5", "1.5h", "-1s", "1h 30m", "10x"})
    void rejectsMalformedDurations(String text) {
        assertThatThrownBy(() -> ValueParsers.durationMillis(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a duration");
    }

    @ParameterizedTest
    @CsvSource({"1048576,1048576", "512KiB,524288", "64MiB,67108864", "1GiB,1073741824", "10MB,10000000"})
    void parsesByteSizes(String text, long bytes) {
        assertThat(ValueParsers.bytes(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"big", "1.5MiB", "-1", "12 parsecs"})
    void rejectsMalformedSizes(String text) {
        assertThatThrownBy(() -> ValueParsers.bytes(text)).isInstanceOf(IllegalArgumentException.class);
    }
}

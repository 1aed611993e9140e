package io.sightline.query.api;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class NumberTextTest {
    private final NumberText text = new NumberText();

    @ParameterizedTest(name = "{0} ms is written as {1}")
    @CsvSource({
            "1435781451781, 1435781451.781",
            "1500, 1.500",
            "1050, 1.050",
            "1005, 1.005",
            "12000, 12",
            "0, 0",
            "999, 0.999",
            "-1500, -1.500",
            "-500, -0.500",
    })
    void timestampsAreSecondsWithThreeDigitMillisecondsLikePrometheus(long millis, String expected) {
        int n = text.timestamp(millis);
        assertThat(new String(text.buf, 0, n)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} is written as {1}")
    @CsvSource({
            "1, 1",
            "-1, -1",
            "0, 0",
            "-0.0, -0",
            "0.1, 0.1",
            "1.5, 1.5",
            "4.35, 4.35",
            "100.5, 100.5",
            "1234567, 1234567",
            "12345678.9, 12345678.9",
            "123456789.125, 123456789.125",
            "1e6, 1000000",
            "999999999999999, 999999999999999",
            "1e15, 1000000000000000",
            "123456789012345678, 123456789012345680",
            "1e20, 100000000000000000000",
            "1e21, 1e+21",
            "1.5e21, 1.5e+21",
            "1e100, 1e+100",
            "1.7976931348623157e308, 1.7976931348623157e+308",
            "0.000001, 0.000001",
            "0.00001, 0.00001",
            "0.000123, 0.000123",
            "9.99e-7, 9.99e-07",
            "1.5e-7, 1.5e-07",
            "-2.5e-10, -2.5e-10",
            "1e-300, 1e-300",
            "0.30000000000000004, 0.30000000000000004",
            "0.3333333333333333, 0.3333333333333333",
            "NaN, NaN",
            "Infinity, +Inf",
            "-Infinity, -Inf",
    })
    void valuesAreGoShortestFormattingAsPrometheusWritesThem(double value, String expected) {
        int n = text.value(value);
        assertThat(new String(text.buf, 0, n)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} is the JSON number {1}")
    @CsvSource({
            "0.000123, 0.000123",
            "1.5e-7, 1.5e-7",
            "1e-10, 1e-10",
            "2.5, 2.5",
            "1e21, 1e+21",
    })
    void statsNumbersUseGoEncodingJsonExponentWithoutLeadingZero(double value, String expected) {
        int n = text.jsonNumber(value);
        assertThat(new String(text.buf, 0, n)).isEqualTo(expected);
    }
}

package io.sightline.ingest.otlp;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class FloatLabelsTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = """
            1.0,        1
            0.005,      0.005
            -0.0,       0
            2.5,        2.5
            1e20,       100000000000000000000
            1e-7,       0.0000001
            0.1,        0.1
            Infinity,   +Inf
            -Infinity,  -Inf
            NaN,        NaN
            1.0905077326652577, 1.0905077326652577
            """)
    void formatsLikePrometheusWithoutExponents(double v, String expected) {
        assertThat(FloatLabels.format(v)).isEqualTo(expected);
        assertThat(FloatLabels.format(v)).isEqualTo(expected); // second call served from the cache
    }
}

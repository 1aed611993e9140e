package io.sightline.ingest.otlp;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class LabelNamerTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            http.method    | http_method
            k8s.pod.name   | k8s_pod_name
            2xx            | key_2xx
            _private       | key_private
            __reserved     | __reserved
            a-b/c          | a_b_c
            already_ok     | already_ok
            a..b           | a__b
            """)
    void sanitisesAttributeKeysAsPrometheusDoes(String key, String expected) {
        assertThat(new LabelNamer().labelName(key)).isEqualTo(expected);
    }
}

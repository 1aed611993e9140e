package io.sightline.ingest.otlp;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class MetricNamerTest {
    private final MetricNamer namer = new MetricNamer();

    @ParameterizedTest(name = "{0} [{1}] {2} -> {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            http.server.request.duration | s         | HISTOGRAM       | http_server_request_duration_seconds
            system.network.io            | By        | COUNTER         | system_network_io_bytes_total
            process.cpu.utilization      | 1         | GAUGE           | process_cpu_utilization_ratio
            http.server.active_requests  | {request} | UP_DOWN_COUNTER | http_server_active_requests
            my.counter                   | 1         | COUNTER         | my_counter_total
            requests_total               | ''        | COUNTER         | requests_total
            total.requests               | ''        | COUNTER         | requests_total
            speed                        | m/s       | GAUGE           | speed_meters_per_second
            rate                         | {req}/s   | GAUGE           | rate_per_second
            latency_seconds              | s         | HISTOGRAM       | latency_seconds
            disk__io..time               | ms        | COUNTER         | disk_io_time_milliseconds_total
            2xx.responses                | ''        | GAUGE           | _2xx_responses
            ns:metric                    | ''        | GAUGE           | ns:metric
            mem                          | MiBy      | GAUGE           | mem_mebibytes
            odd                          | foo-bar   | GAUGE           | odd_foo_bar
            ratio.already                | 1         | GAUGE           | ratio_already
            updown                       | 1         | UP_DOWN_COUNTER | updown
            ...                          | ''        | GAUGE           | ''
            """)
    void followsTheReferenceNamingRules(String name, String unit, MetricKind kind, String expected) {
        assertThat(namer.familyName(name, unit, kind)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            s         | seconds
            m/s       | meters_per_second
            {request} | ''
            1         | ''
            By/s      | bytes_per_second
            """)
    void unitWordIsTheTranslatedUnit(String unit, String expected) {
        assertThat(MetricNamer.unitWord(unit)).isEqualTo(expected);
    }
}

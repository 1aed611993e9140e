package io.sightline.query.promql.parser;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class PrinterTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "sum by (job) (rate(http_requests_total{code=~\"5..\", path!=\"/\"}[5m] offset -1h @ 100))",
            "a / on(b) group_left(c) d > bool 2",
            "-x ^ 2 + -1 * (y or z unless w)",
            "topk(3, max_over_time(x[1h:5m] @ end())) and ignoring(a) y",
            "histogram_quantile(0.9, sum without (instance) (rate(x_bucket[5m] anchored)))",
            "label_replace(up{\"a.b\"=\"1\"}, \"dst\", \"$1\", \"src\", \"(.*)\")",
            "x + fill_left(-1) fill_right(NaN) y",
            "count_values(\"v\", x smoothed) - -Inf",
            "info(metric, {data=~\".*\"})"})
    void printsWhatParsesBackToTheSameTree(String query) {
        String printed = Printer.print(Parser.parse(query));

        assertThat(Printer.print(Parser.parse(printed))).isEqualTo(printed);
    }
}

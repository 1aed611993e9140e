package io.sightline.query.promql.parser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

    /** Expected texts as Prometheus's {@code Expr.String()} prints them (promql/parser/printer.go). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "foo/bar | foo / bar",
            "sum(rate(x[5m])) by (job) | sum by (job) (rate(x[5m]))",
            "sum by () (x) | sum(x)",
            "sum without () (x) | sum without () (x)",
            "x{b=\"1\", a=~\"2\"} | x{a=~\"2\",b=\"1\"}",
            "{__name__=\"x\"} | {__name__=\"x\"}",
            "{\"my.metric\", \"my.label\"=\"v\"} | {\"my.metric\",\"my.label\"=\"v\"}",
            "rate(x[90m] offset 1h @ 100) | rate(x[1h30m] @ 100.000 offset 1h)",
            "x offset -5m | x offset -5m",
            "x offset 0s | x",
            "max_over_time(x[1w])[14d:1d] | max_over_time(x[1w])[2w:1d]",
            "rate(x[1m])[5m:] @ end() | rate(x[1m])[5m:] @ end()",
            "a / on(b) group_left(c) d | a / on (b) group_left (c) d",
            "a * ignoring() group_right d | a * ignoring () group_right () d",
            "a > bool ignoring(x) b | a > bool ignoring (x) b",
            "-(x) ^ 2 | -(x) ^ 2",
            "1e6 + 0.000001 | 1000000 + 0.000001",
            "topk(3, x) | topk(3, x)",
            "count_values(\"v\", x) | count_values(\"v\", x)",
            "x[1500ms] | x[1s500ms]",
            "x + fill(0) y | x + fill (0) y"})
    void printsAsPrometheusDoes(String query, String expected) {
        assertThat(Printer.print(Parser.parse(query))).isEqualTo(expected);
    }

    @Test
    void prettySplitsNodesLongerThanOneHundredCharactersOverIndentedLines() {
        String query = "sum by (job) (rate(http_requests_total{job=\"api-server\",handler=~\"/api/v1/(query|query_range)\"}[5m]))"
                + " / on (job) group_left sum by (job) (rate(http_requests_total[5m]))";

        assertThat(Printer.pretty(Parser.parse(query))).isEqualTo("""
                  sum by (job) (
                    rate(http_requests_total{handler=~"/api/v1/(query|query_range)",job="api-server"}[5m])
                  )
                / on (job) group_left ()
                  sum by (job) (rate(http_requests_total[5m]))""");
    }

    @Test
    void prettyLeavesAShortSubqueryInsideASplitCallUnindentedAsPrometheusDoes() {
        String inner = "rate(http_requests_total{job=\"api-server\",handler=\"/api/v1/query_exemplars/x\"}[5m])[30m:1m]";
        String query = "max_over_time(" + inner + ") > on (job) group_left max_over_time(" + inner + ")";

        String pretty = Printer.pretty(Parser.parse(query));

        assertThat(pretty.lines().toList()).contains("  max_over_time(",
                "rate(http_requests_total{handler=\"/api/v1/query_exemplars/x\",job=\"api-server\"}[5m])[30m:1m]", "  )");
    }

    @Test
    void prettyKeepsShortExpressionsOnOneLine() {
        assertThat(Printer.pretty(Parser.parse("sum(rate(x[5m]))"))).isEqualTo("sum(rate(x[5m]))");
    }
}

package io.sightline.query.api;

import io.sightline.query.QueryException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code /api/v1/format_query} and {@code /api/v1/parse_query} answer as Prometheus does. */
class ExpressionEndpointsTest {
    @Test
    void formatQueryAnswersThePrettyPrintedQuery() {
        String body = Rendered.okBody(ExpressionEndpoints.format(Calls4Test.get("/api/v1/format_query",
                "query", "sum(rate(foo{b=\"1\",a=\"x\"}[90m] offset 1h))by(job)/bar")));

        assertThat(body).isEqualTo("{\"status\":\"success\",\"data\":"
                + "\"sum by (job) (rate(foo{a=\\\"x\\\",b=\\\"1\\\"}[1h30m] offset 1h)) / bar\"}");
    }

    @Test
    void formatQueryOfABadQueryIsBadDataNamingTheParameter() {
        assertThatThrownBy(() -> ExpressionEndpoints.format(Calls4Test.get("/api/v1/format_query", "query", "sum(")))
                .isInstanceOfSatisfying(QueryException.class, e -> {
                    assertThat(e.type()).isEqualTo(QueryException.ErrorType.BAD_DATA);
                    assertThat(e.getMessage()).startsWith("invalid parameter \"query\": 1:5: parse error: ");
                });
    }

    @Test
    void parseQueryAnswersTheTreeWithSortedKeysAsPrometheusMarshalsIt() {
        String body = Rendered.okBody(ExpressionEndpoints.parseTree(Calls4Test.get("/api/v1/parse_query",
                "query", "rate(up{job=\"a\"}[5m] @ end()) > on(job) bar")));

        assertThat(body).isEqualTo("{\"status\":\"success\",\"data\":{\"bool\":false,"
                + "\"lhs\":{\"args\":[{\"matchers\":[{\"name\":\"job\",\"type\":\"=\",\"value\":\"a\"},"
                + "{\"name\":\"__name__\",\"type\":\"=\",\"value\":\"up\"}],\"name\":\"up\",\"offset\":0,"
                + "\"range\":300000,\"startOrEnd\":\"end\",\"timestamp\":null,\"type\":\"matrixSelector\"}],"
                + "\"func\":{\"argTypes\":[\"matrix\"],\"name\":\"rate\",\"returnType\":\"vector\",\"variadic\":0},"
                + "\"type\":\"call\"},"
                + "\"matching\":{\"card\":\"one-to-one\",\"include\":[],\"labels\":[\"job\"],\"on\":true},"
                + "\"op\":\"\\u003e\",\"rhs\":{\"matchers\":[{\"name\":\"__name__\",\"type\":\"=\",\"value\":\"bar\"}],"
                + "\"name\":\"bar\",\"offset\":0,\"startOrEnd\":null,\"timestamp\":null,\"type\":\"vectorSelector\"},"
                + "\"type\":\"binaryExpr\"}}");
    }
}

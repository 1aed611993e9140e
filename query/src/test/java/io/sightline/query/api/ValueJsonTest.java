package io.sightline.query.api;

import io.sightline.query.QueryException;
import io.sightline.query.Value;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.StaleMarker;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ValueJsonTest {
    private static Rendered success(Value value, int limit, List<String> warnings, List<String> infos) {
        return Rendered.of(Reply.success(out -> {
            out.gen().writeStartObject();
            out.gen().writeStringField("resultType", value.resultType());
            out.gen().writeFieldName("result");
            ValueJson.write(out, value, limit);
            out.gen().writeEndObject();
        }, warnings, infos));
    }

    private static String data(Value value) {
        return success(value, 0, List.of(), List.of()).body();
    }

    @Test
    void scalarIsATimeAndStringValuePair() {
        assertThat(data(new Value.Scalar(1435781451781L, 2)))
                .isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1435781451.781,\"2\"]}}");
    }

    @Test
    void stringIsATimeAndTheStringItself() {
        assertThat(data(new Value.StringValue(1000, "a \"b\"")))
                .isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":[1,\"a \\\"b\\\"\"]}}");
    }

    @Test
    void vectorHasMetricAndValuePerSampleWithSpecialFloats() {
        Value v = new Value.Vector(List.of(
                new Value.Sample(Labels.of("__name__", "up", "job", "api"), 1500, 1),
                new Value.Sample(Labels.of("a", "nan"), 1500, Double.NaN),
                new Value.Sample(Labels.of("a", "pinf"), 1500, Double.POSITIVE_INFINITY),
                new Value.Sample(Labels.of("a", "ninf"), 1500, Double.NEGATIVE_INFINITY),
                new Value.Sample(Labels.EMPTY, 1500, 1e-7)));
        assertThat(data(v)).isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                + "{\"metric\":{\"__name__\":\"up\",\"job\":\"api\"},\"value\":[1.500,\"1\"]},"
                + "{\"metric\":{\"a\":\"nan\"},\"value\":[1.500,\"NaN\"]},"
                + "{\"metric\":{\"a\":\"pinf\"},\"value\":[1.500,\"+Inf\"]},"
                + "{\"metric\":{\"a\":\"ninf\"},\"value\":[1.500,\"-Inf\"]},"
                + "{\"metric\":{},\"value\":[1.500,\"1e-07\"]}]}}");
    }

    @Test
    void emptyVectorAndMatrixAreEmptyArrays() {
        assertThat(data(new Value.Vector(List.of()))).contains("\"result\":[]");
        assertThat(data(new Value.Matrix(List.of()))).contains("\"result\":[]");
    }

    @Test
    void matrixHasValuesPerSeriesAndOnlyTheFirstCountPoints() {
        Value m = new Value.Matrix(List.of(
                new Value.SeriesPoints(Labels.of("__name__", "x", "i", "0"), new long[]{0, 15000, 30000, 99},
                        new double[]{1, 2.5, 1e21, 42}, 3)));
        assertThat(data(m)).isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
                + "{\"metric\":{\"__name__\":\"x\",\"i\":\"0\"},\"values\":[[0,\"1\"],[15,\"2.5\"],[30,\"1e+21\"]]}]}}");
    }

    @Test
    void staleMarkersAreNeverWritten() {
        Value m = new Value.Matrix(List.of(
                new Value.SeriesPoints(Labels.of("s", "1"), new long[]{1000, 2000, 3000},
                        new double[]{1, StaleMarker.VALUE, 3}, 3),
                new Value.SeriesPoints(Labels.of("s", "2"), new long[]{1000}, new double[]{StaleMarker.VALUE}, 1)));
        Value v = new Value.Vector(List.of(
                new Value.Sample(Labels.of("s", "1"), 1000, StaleMarker.VALUE),
                new Value.Sample(Labels.of("s", "2"), 1000, Double.NaN)));
        assertThat(data(m)).contains("\"result\":[{\"metric\":{\"s\":\"1\"},\"values\":[[1,\"1\"],[3,\"3\"]]}]");
        assertThat(data(v)).contains("\"result\":[{\"metric\":{\"s\":\"2\"},\"value\":[1,\"NaN\"]}]");
    }

    @Test
    void limitCutsSeriesAndTheCallerCanTellIt() {
        Value v = new Value.Vector(List.of(new Value.Sample(Labels.of("a", "1"), 0, 1),
                new Value.Sample(Labels.of("a", "2"), 0, 2)));
        assertThat(ValueJson.truncates(v, 1)).isTrue();
        assertThat(ValueJson.truncates(v, 2)).isFalse();
        assertThat(ValueJson.truncates(v, 0)).isFalse();
        assertThat(success(v, 1, List.of("results truncated due to limit"), List.of()).body())
                .isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                        + "{\"metric\":{\"a\":\"1\"},\"value\":[0,\"1\"]}]},\"warnings\":[\"results truncated due to limit\"]}");
    }

    @Test
    void warningsAndInfosFollowDataAndEmptyOnesAreLeftOut() {
        Rendered r = success(new Value.Scalar(0, 1), 0, List.of("w1"), List.of("i1", "i2"));
        assertThat(r.body()).isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[0,\"1\"]},"
                + "\"warnings\":[\"w1\"],\"infos\":[\"i1\",\"i2\"]}");
        assertThat(r.contentType()).isEqualTo("application/json");
        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void moreThanTenAnnotationsOfAKindAreCutAsPrometheusCutsThem() {
        List<String> warnings = java.util.stream.IntStream.range(0, 13).mapToObj(i -> "w" + i).toList();
        Rendered r = success(new Value.Scalar(0, 1), 0, warnings, List.of("i"));
        assertThat(r.body()).endsWith("\"warnings\":[\"w0\",\"w1\",\"w2\",\"w3\",\"w4\",\"w5\",\"w6\",\"w7\",\"w8\","
                + "\"w9\",\"3 more warning annotations omitted\"],\"infos\":[\"i\"]}");
    }

    @Test
    void labelValuesAreEscapedAsGoEscapesThem() {
        Value v = new Value.Vector(List.of(new Value.Sample(Labels.of("a", "<b>&\n\t\u0001\u2028é"), 0, 1)));
        assertThat(data(v)).contains("{\"a\":\"\\u003cb\\u003e\\u0026\\n\\t\\u0001\\u2028é\"}");
    }

    @Test
    void errorsCarryTypeAndStatusOfTheirErrorType() {
        Rendered r = Rendered.of(Reply.error(new QueryException(QueryException.ErrorType.EXECUTION, "boom")));
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.body()).isEqualTo("{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"boom\"}");
        Rendered timeout = Rendered.of(Reply.error(new QueryException(QueryException.ErrorType.TIMEOUT, "slow")));
        assertThat(timeout.status()).isEqualTo(503);
        assertThat(Rendered.of(Reply.error(400, "bad_data", "x", Map.of())).body()).contains("\"errorType\":\"bad_data\"");
    }
}

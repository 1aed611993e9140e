package io.sightline.query.promql.parser;

import io.sightline.storage.model.Matcher;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ParserTest {
    private static double number(String q) {
        return ((Expr.NumberLiteral) Parser.parse(q)).value();
    }

    @Test
    void parsesNumberLiteralsOfEveryForm() {
        assertThat(number("0x1F")).isEqualTo(31);
        assertThat(number("1e3")).isEqualTo(1000);
        assertThat(number(".5")).isEqualTo(0.5);
        assertThat(number("inF")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(number("-Inf")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(number("NaN")).isNaN();
        assertThat(number("1h30m")).isEqualTo(5400);
        assertThat(number("-1")).isEqualTo(-1);
    }

    @Test
    void decodesStringEscapesAndRawStrings() {
        assertThat(((Expr.StringLiteral) Parser.parse("\"a\\tb\\u00e9\\x41\\\"\"")).value()).isEqualTo("a\tbéA\"");
        assertThat(((Expr.StringLiteral) Parser.parse("'it\\'s'")).value()).isEqualTo("it's");
        assertThat(((Expr.StringLiteral) Parser.parse("`a\\nb`")).value()).isEqualTo("a\\nb");
    }

    @Test
    void parsesAllFourMatchersAndQuotedUtf8Names() {
        Expr.VectorSelector vs = (Expr.VectorSelector) Parser.parse("{\"foo.bar\", a=\"1\", b!=\"2\", c=~\"3.*\", d!~\"4\",}");
        assertThat(vs.matchers()).extracting(Matcher::toString)
                .containsExactly("__name__=\"foo.bar\"", "a=\"1\"", "b!=\"2\"", "c=~\"3.*\"", "d!~\"4\"");
        assertThat(vs.pos()).isEqualTo(new PosRange(0, 45));
    }

    @Test
    void keywordsAreMetricNamesWhereAnExpressionIsExpected() {
        Expr.Binary b = (Expr.Binary) Parser.parse("foo * sum");
        assertThat(((Expr.VectorSelector) b.rhs()).name()).isEqualTo("sum");
        assertThat(((Expr.MatrixSelector) Parser.parse("offset{step=\"1s\"}[5m]")).selector().name()).isEqualTo("offset");
    }

    @Test
    void appliesPrecedenceAndRightAssociativePower() {
        Expr.Unary u = (Expr.Unary) Parser.parse("-1^2");
        assertThat(u.expr()).isInstanceOf(Expr.Binary.class);
        Expr.Binary pow = (Expr.Binary) Parser.parse("2 ^ 3 ^ 2");
        assertThat(pow.rhs()).isInstanceOf(Expr.Binary.class);
        Expr.Binary or = (Expr.Binary) Parser.parse("foo + bar or bla and blub");
        assertThat(or.op()).isEqualTo(BinaryOp.OR);
        assertThat(((Expr.Binary) or.rhs()).op()).isEqualTo(BinaryOp.AND);
        Expr.Binary mul = (Expr.Binary) Parser.parse("-1*2");
        assertThat(((Expr.NumberLiteral) mul.lhs()).value()).isEqualTo(-1);
    }

    @Test
    void parsesVectorMatchingModifiers() {
        Expr.Binary b = (Expr.Binary) Parser.parse("a / on(x, y) group_right(z) b");
        assertThat(b.matching()).isEqualTo(new VectorMatching(VectorMatching.Cardinality.ONE_TO_MANY, List.of("x", "y"),
                true, List.of("z")));
        Expr.Binary cmp = (Expr.Binary) Parser.parse("a > bool ignoring(x) b");
        assertThat(cmp.returnBool()).isTrue();
        assertThat(cmp.matching().on()).isFalse();
    }

    @Test
    void parsesOffsetAtAndSubqueries() {
        Expr.MatrixSelector ms = (Expr.MatrixSelector) Parser.parse("foo[5m] offset -1h @ 100.5");
        assertThat(ms.rangeMillis()).isEqualTo(300_000);
        assertThat(ms.selector().mod()).isEqualTo(new Expr.Modifiers(-3_600_000, true, Expr.AtMode.TIMESTAMP, 100_500));
        Expr.Subquery sq = (Expr.Subquery) Parser.parse("rate(foo[1m])[30m:] @ end()");
        assertThat(sq.stepMillis()).isZero();
        assertThat(sq.mod().at()).isEqualTo(Expr.AtMode.END);
        assertThat(((Expr.MatrixSelector) Parser.parse("foo[90]")).rangeMillis()).isEqualTo(90_000);
    }

    @Test
    void parsesAggregationsWithGroupingBeforeOrAfter() {
        Expr.Aggregate a = (Expr.Aggregate) Parser.parse("sum by (job) (foo)");
        Expr.Aggregate b = (Expr.Aggregate) Parser.parse("sum(foo) without (instance)");
        Expr.Aggregate t = (Expr.Aggregate) Parser.parse("topk(3, foo)");
        Expr.Aggregate cv = (Expr.Aggregate) Parser.parse("count_values(\"v\", foo)");
        assertThat(a.grouping()).containsExactly("job");
        assertThat(b.without()).isTrue();
        assertThat(t.param()).isInstanceOf(Expr.NumberLiteral.class);
        assertThat(cv.param()).isInstanceOf(Expr.StringLiteral.class);
    }
}

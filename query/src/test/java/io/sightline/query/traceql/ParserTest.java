package io.sightline.query.traceql;

import io.sightline.query.QueryException;
import io.sightline.query.traceql.Ast.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TraceQL parsing: the accepted forms, their trees, and errors that name the position and the fix. */
class ParserTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "{}", "{ }", "{ true }", "{ .http.route = \"/api\" }", "{ span.http.status_code >= 500 }",
            "{ resource.service.name = \"api\" && name = \"GET /\" }", "{ status = error }", "{ status != ok }",
            "{ kind = server }", "{ duration > 100ms }", "{ duration < 1.5s }", "{ traceDuration >= 1h30m }",
            "{ rootName = \"x\" || rootServiceName =~ \"ap.*\" }", "{ .a !~ \"b|c\" }", "{ (.a = 1 || .b = 2) && .c = 3 }",
            "{ !(.a = 1) }", "{ .a = 1.5 }", "{ .a = -3 }", "{ .flag = true }", "{ .flag }",
            "{ .a = 1 } && { .b = 2 }", "{ .a = 1 } || { .b = 2 } && { .c = 3 }", "({ .a = 1 } || { .b = 2 }) && { }",
            "{ } | count() > 2", "{ } | avg(duration) > 20ms", "{ } | min(span.x) <= 3 | max(duration) < 1s | sum(.n) = 10",
            "{ } | select(span.a, resource.b, status)", "{ .a = 1 } | { .b = 2 } | count() >= 1",
            "{ span:name = \"x\" && span:status = error && trace:rootService = \"api\" && span:duration > 1ms }",
            "{ span.\"weird key\" = \"v\" }", "{ name = `raw \\ string` }", "{ .a = \"esc \\\" \\n \\u0041\" }",
            "{ status = \"error\" }", "{ kind = \"client\" }", "{ 1 = 1 }", "{ .n > 1e3 }",
            // Grafana Traces Drilldown's metrics and structure queries.
            "{nestedSetParent<0 && true} | rate()  with(sample=true)",
            "{nestedSetParent<0 && true && status=error && resource.service.name != nil} | rate() by(resource.service.name)",
            "{nestedSetParent<0 && true} | histogram_over_time(duration) with(sample=true)",
            "{nestedSetParent<0 && true && span.http.route != nil} | quantile_over_time(duration, 0.9) by(span.http.route)",
            "({nestedSetParent<0 && true  && status = error} &>> { status = error }) || ({nestedSetParent<0 && true  && status = error}) | select(status, resource.service.name, name, nestedSetParent)"})
    void validQueriesParse(String query) {
        Query q = Parser.parse(query);
        assertThat(q.filters()).isNotEmpty();
    }

    @Test
    void andBindsTighterThanOrInsideFilters() {
        Query q = Parser.parse("{ .a = 1 || .b = 2 && .c = 3 }");
        Logical or = (Logical) q.filters().get(0).expr();
        assertThat(or.isAnd()).isFalse();
        assertThat(((Logical) or.right()).isAnd()).isTrue();
    }

    @Test
    void andBindsTighterThanOrBetweenSpansets() {
        Query q = Parser.parse("{ .a = 1 } || { .b = 2 } && { .c = 3 }");
        SpansetOp or = (SpansetOp) q.spanset();
        assertThat(or.isAnd()).isFalse();
        assertThat(or.left()).isEqualTo(new FilterRef(0));
        assertThat(((SpansetOp) or.right()).isAnd()).isTrue();
        assertThat(q.filters()).hasSize(3);
    }

    @Test
    void structuralOperatorsBindTighterThanSpansetAndAndRunLeftToRight() {
        Query q = Parser.parse("{ .a = 1 } > { .b = 2 } >> { } && { .c = 3 } !~ { .d = 4 }");
        SpansetOp and = (SpansetOp) q.spanset();
        assertThat(and.isAnd()).isTrue();
        Structural left = (Structural) and.left();
        assertThat(left.relation()).isEqualTo(Relation.DESCENDANT);
        assertThat(left.isNot()).isFalse();
        assertThat(((Structural) left.left()).relation()).isEqualTo(Relation.CHILD);
        assertThat(left.right()).isEqualTo(new FilterRef(2));
        Structural right = (Structural) and.right();
        assertThat(right.relation()).isEqualTo(Relation.SIBLING);
        assertThat(right.isNot()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"'>',CHILD,false", "'>>',DESCENDANT,false", "'<',PARENT,false", "'<<',ANCESTOR,false", "'~',SIBLING,false",
            "'!>',CHILD,true", "'!>>',DESCENDANT,true", "'!<',PARENT,true", "'!<<',ANCESTOR,true", "'!~',SIBLING,true"})
    void everyStructuralOperatorParses(String op, Relation relation, boolean isNot) {
        Structural s = (Structural) Parser.parse("{ .a = 1 } " + op + " { .b = 2 }").spanset();
        assertThat(s.relation()).isEqualTo(relation);
        assertThat(s.isNot()).isEqualTo(isNot);
        assertThat(s.isUnion()).isFalse();
        assertThat(Parser.parse("{.a=1}" + op + "{.b=2}").spanset()).isEqualTo(s);
        if (!isNot) {
            Structural union = (Structural) Parser.parse("{ .a = 1 } &" + op + " { .b = 2 }").spanset();
            assertThat(union.relation()).isEqualTo(relation);
            assertThat(union.isUnion()).isTrue();
        }
    }

    @Test
    void durationsAreNanoseconds() {
        Compare c = (Compare) Parser.parse("{ duration > 1.5s }").filters().get(0).expr();
        assertThat(c.right()).isEqualTo(Literal.duration(1_500_000_000L));
        Compare c2 = (Compare) Parser.parse("{ duration > 1h30m }").filters().get(0).expr();
        assertThat(((Literal) c2.right()).l()).isEqualTo(5_400_000_000_000L);
        Compare c3 = (Compare) Parser.parse("{ duration > 250us }").filters().get(0).expr();
        assertThat(((Literal) c3.right()).l()).isEqualTo(250_000L);
    }

    @Test
    void statusAndKindNamesBecomeTheirOtlpNumbers() {
        Compare status = (Compare) Parser.parse("{ status = error }").filters().get(0).expr();
        assertThat(status.right()).isEqualTo(Literal.status(2));
        Compare quoted = (Compare) Parser.parse("{ kind = \"client\" }").filters().get(0).expr();
        assertThat(quoted.right()).isEqualTo(Literal.kind(3));
    }

    @Test
    void scopedAndUnscopedAttributesKeepTheirScope() {
        Compare c = (Compare) Parser.parse("{ resource.service.name = \"a\" }").filters().get(0).expr();
        assertThat(c.left()).isEqualTo(new Attribute("resource", "service.name"));
        Compare u = (Compare) Parser.parse("{ .http.route = \"a\" }").filters().get(0).expr();
        assertThat(u.left()).isEqualTo(new Attribute("", "http.route"));
    }

    @Test
    void pipelineStagesAreParsedInOrder() {
        Query q = Parser.parse("{ } | count() > 2 | select(.a, name)");
        assertThat(q.stages()).hasSize(2);
        AggregateStage count = (AggregateStage) q.stages().get(0);
        assertThat(count.fn()).isEqualTo(Aggregate.COUNT);
        assertThat(count.value()).isEqualTo(Literal.integer(2));
        assertThat(((SelectStage) q.stages().get(1)).operands())
                .isEqualTo(List.of(new Attribute("", "a"), new IntrinsicRef(Intrinsic.NAME)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '#', value = {
            "'' # 1 # empty query",
            "{ .a = 1 # 9 # expected '}'",
            "{ .a = } # 8 # expected an attribute",
            "{ .a == 1 } # 6 # compares with '='",
            "{ foo = 1 } # 3 # unknown identifier 'foo'",
            "{ status = 500 } # 12 # status can only be compared",
            "{ status > error } # 12 # status can only be compared",
            "{ kind = error } # 10 # kind can only be compared",
            "{ duration > \"x\" } # 14 # must be compared with a duration",
            "{ name = 3 } # 10 # must be compared with a string",
            "{ .a =~ 3 } # 9 # must be a string holding a regular expression",
            "{ .a =~ \"(\" } # 9 # invalid regular expression",
            "{ .a = 1 } >> .b # 15 # a spanset filter starts with '{'",
            "{ .a >> 1 } # 6 # unexpected '>>'",
            "{ .a = 1 + 2 } # 10 # arithmetic operator '+' is not supported",
            "{ event.name = \"x\" } # 3 # attribute scope 'event.' is not supported",
            "{ } | rate() | topk(2) # 14 # stages after a metrics function",
            "{ } | quantile_over_time(duration) # 34 # needs quantiles",
            "{ } | rate() with(sample) # 25 # expected '=' after hint sample",
            "{ } | count() # 14 # must be compared",
            "{ } | avg(name) > 1 # 11 # needs a numeric attribute",
            "{ } | count() > \"x\" # 17 # must be compared with a number",
            "{ } | count() > 1 | { .a = 1 } # 21 # spanset filter after count()",
            "{ duration > 5parsecs } # 14 # unknown duration unit",
            "{ .a = \"open } # 8 # unterminated string",
            "{ .a = 1 } extra # 12 # unexpected 'extra'",
            ".a = 1 # 1 # a spanset filter starts with '{'",
            "{ name } # 3 # is not a condition",
            "{ .a = 1 } & { .b = 1 } # 12 # did you mean '&&'",
            "{ nil = .a } # 3 # nil must be on the right side",
            "{ .a > nil } # 8 # nil can only be compared with = or !=",
            "{ nestedSetParent = \"x\" } # 21 # must be compared with a number"})
    void invalidQueriesFailWithThePositionAndACause(String query, int column, String cause) {
        assertThatThrownBy(() -> Parser.parse(query))
                .isInstanceOfSatisfying(QueryException.class, e -> {
                    assertThat(e.type()).isEqualTo(QueryException.ErrorType.BAD_DATA);
                    assertThat(e.position()).as(e.getMessage()).isEqualTo(column - 1);
                    assertThat(e.getMessage()).startsWith("invalid TraceQL query: parse error at position " + column + ": ")
                            .contains(cause);
                });
    }

    @Test
    void deepNestingIsRefusedInsteadOfOverflowingTheStack() {
        String deep = "{ " + "(".repeat(10_000) + ".a = 1" + ")".repeat(10_000) + " }";
        assertThatThrownBy(() -> Parser.parse(deep)).isInstanceOf(QueryException.class)
                .hasMessageContaining("nests deeper than " + Parser.MAX_DEPTH);
    }
}

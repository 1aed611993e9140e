package io.sightline.query.promql.parser;

import io.sightline.query.QueryException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/** Golden parse errors: the message and position Prometheus gives for the same input. */
class ParserErrorTest {
    static Stream<Arguments> errors() {
        return Stream.of(
                argumentSet("empty query", "", "unknown position: parse error: no expression found in input"),
                argumentSet("comment only", "# just a comment\n\n", "1:1: parse error: no expression found in input"),
                argumentSet("dangling plus", "1+", "1:3: parse error: unexpected end of input"),
                argumentSet("dangling divide", "1 /", "1:4: parse error: unexpected end of input"),
                argumentSet("lone dot", ".", "1:1: parse error: unexpected character: '.'"),
                argumentSet("two dots", "2.5.", "1:1: parse error: bad number or duration syntax: \"2.5.\""),
                argumentSet("double dot", "100..4", "1:1: parse error: bad number or duration syntax: \"100..\""),
                argumentSet("hex-looking word", "0deadbeef", "1:1: parse error: bad number or duration syntax: \"0de\""),
                argumentSet("leading operator", "*1", "1:1: parse error: unexpected <op:*>"),
                argumentSet("leading operator before selector", "*test", "1:1: parse error: unexpected <op:*>"),
                argumentSet("extra right paren", "(1))", "1:5: parse error: unexpected right parenthesis ')'"),
                argumentSet("unclosed paren", "((1)", "1:5: parse error: unclosed left parenthesis"),
                argumentSet("lone paren", "(", "1:2: parse error: unclosed left parenthesis"),
                argumentSet("and between scalars", "1 and 1",
                        "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"),
                argumentSet("or between scalars", "1 or 1",
                        "1:1: parse error: set operator \"or\" not allowed in binary scalar expression"),
                argumentSet("scalar comparison without bool", "1 == 1",
                        "1:3: parse error: comparisons between scalars must use BOOL modifier"),
                argumentSet("regex operator outside braces", "1 !~ 1", "1:3: parse error: unexpected character after '!': '~'"),
                argumentSet("regex match outside braces", "1 =~ 1", "1:3: parse error: unexpected character after '=': '~'"),
                argumentSet("unary minus on string", "-\"string\"",
                        "1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got \"string\""),
                argumentSet("unary minus on range", "-test[5m]",
                        "1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got \"range vector\""),
                argumentSet("double at", "@@", "1:1: parse error: unexpected <op:@>"),
                argumentSet("offset on number", "1 offset 1d",
                        "1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery"),
                argumentSet("offset twice", "foo offset 1s offset 2s", "1:1: parse error: offset may not be set multiple times"),
                argumentSet("on then ignoring", "a - on(b) ignoring(c) d", "1:11: parse error: unexpected <ignoring>"),
                argumentSet("empty selector", "foo{bar=\"\"}" .replace("foo", ""),
                        "1:1: parse error: vector selector must contain at least one non-empty matcher"),
                argumentSet("unknown function", "nofunc(foo)", "1:1: parse error: unknown function with name \"nofunc\""),
                argumentSet("rate of instant vector", "rate(foo)",
                        "1:6: parse error: expected type range vector in call to function \"rate\", got instant vector"),
                argumentSet("too many arguments", "abs(foo, bar)",
                        "1:1: parse error: expected 1 argument(s) in call to \"abs\", got 2"),
                argumentSet("sum of range vector", "sum(foo[5m])",
                        "1:5: parse error: expected type instant vector in aggregation expression, got range vector"),
                argumentSet("range on expression", "(foo + bar)[5m]", "1:1: parse error: ranges only allowed for vector selectors"),
                argumentSet("bool on arithmetic", "foo + bool bar", "1:5: parse error: bool modifier can only be used on comparison operators"),
                argumentSet("grouping on set operator", "foo and on(a) group_left bar",
                        "1:1: parse error: no grouping allowed for \"and\" operation"),
                argumentSet("matching with scalar", "foo + on(a) 1", "1:1: parse error: vector matching only allowed between instant vectors"),
                argumentSet("unterminated string", "foo{a=\"b}", "1:7: parse error: unterminated quoted string"),
                argumentSet("name twice", "foo{__name__=\"bar\"}",
                        "1:1: parse error: metric name must not be set twice: \"foo\" or \"bar\""),
                argumentSet("bad regex", "foo{a=~\"(\"}", "1:8: parse error: invalid regular expression \"(\": Unclosed group"),
                argumentSet("right brace alone", "}", "1:1: parse error: unexpected right brace '}'"),
                argumentSet("missing range bracket", "foo[5m", "1:7: parse error: unclosed left bracket"),
                argumentSet("hostile nesting", "(".repeat(600) + "1" + ")".repeat(600),
                        "1:501: parse error: expression nested too deeply (more than 500 levels)"));
    }

    @ParameterizedTest
    @MethodSource("errors")
    void reportsPrometheusMessageAndPosition(String query, String message) {
        QueryException e = catchThrowableOfType(QueryException.class, () -> Parser.parse(query));
        assertThat(e).as("no error for %s", query).isNotNull();
        assertThat(e.getMessage()).isEqualTo(message);
        assertThat(e.type()).isEqualTo(QueryException.ErrorType.BAD_DATA);
    }
}

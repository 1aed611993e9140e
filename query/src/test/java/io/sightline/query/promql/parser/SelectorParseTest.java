package io.sightline.query.promql.parser;

import io.sightline.storage.model.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static io.sightline.storage.model.Matcher.Type.EQ;
import static io.sightline.storage.model.Matcher.Type.NEQ;
import static io.sightline.storage.model.Matcher.Type.NRE;
import static io.sightline.storage.model.Matcher.Type.RE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code match[]} selectors go through the PromQL parser: one grammar, Prometheus's messages. */
class SelectorParseTest {
    @Test
    void metricNameAloneIsANameMatcher() {
        assertThat(Parser.parseSelector("http_requests_total")).containsExactlyInAnyOrder(Matcher.eq("__name__", "http_requests_total"));
        assertThat(Parser.parseSelector(" job:rate5m ")).containsExactlyInAnyOrder(Matcher.eq("__name__", "job:rate5m"));
    }

    @Test
    void allFourMatcherKindsInBracesWithTheNameFirst() {
        assertThat(Parser.parseSelector("up{a=\"1\", b!=\"2\", c=~\"3.*\", d!~'4',}")).containsExactlyInAnyOrder(
                Matcher.eq("__name__", "up"), Matcher.of(EQ, "a", "1"), Matcher.of(NEQ, "b", "2"),
                Matcher.of(RE, "c", "3.*"), Matcher.of(NRE, "d", "4"));
    }

    @Test
    void bracesAloneAndQuotedNamesAsInPrometheus3() {
        assertThat(Parser.parseSelector("{__name__=\"up\"}")).containsExactlyInAnyOrder(Matcher.eq("__name__", "up"));
        assertThat(Parser.parseSelector("{\"my.metric\", \"my.label\"=\"x\"}"))
                .containsExactlyInAnyOrder(Matcher.eq("__name__", "my.metric"), Matcher.eq("my.label", "x"));
        assertThat(Parser.parseSelector("up{}")).containsExactlyInAnyOrder(Matcher.eq("__name__", "up"));
    }

    @Test
    void stringsTakeGoEscapesExceptInBackticks() {
        List<Matcher> m = Parser.parseSelector("{a=\"x\\\"y\\n\\u00e9\\x41\\101\", b=`raw\\n`}");
        assertThat(m).containsExactlyInAnyOrder(Matcher.eq("a", "x\"y\néAA"), Matcher.eq("b", "raw\\n"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(value = {
            "''| unknown position: parse error: unexpected end of input",
            "up{| 1:4: parse error: unexpected end of input inside braces",
            "up{a=1}| 1:6: parse error: unexpected character inside braces: '1'",
            "up{a~\"1\"}| 1:5: parse error: unexpected character inside braces: '~'",
            "up{a=\"1\" b=\"2\"}| 1:10: parse error: unexpected identifier \"b\" in label matching, expected \",\" or \"}\"",
            "up{a=\"1}| 1:6: parse error: unterminated quoted string",
            "up + 1| 1:4: parse error: unexpected <op:+>",
            "up[5m]| 1:3: parse error: unexpected \"[\"",
            "up{__name__=\"x\"}| 1:1: parse error: metric name must not be set twice: \"up\" or \"x\"",
            "{%}| 1:2: parse error: unexpected character inside braces: '%'",
    }, delimiter = '|', quoteCharacter = '\'')
    void syntaxErrorsArePositionedLikePrometheus(String selector, String message) {
        assertThatThrownBy(() -> Parser.parseSelector(selector)).hasMessage(message);
    }

    @Test
    void badRegularExpressionsArePositionedAtTheValue() {
        assertThatThrownBy(() -> Parser.parseSelector("{a=~\"(\"}"))
                .hasMessageStartingWith("1:5: parse error: invalid regular expression \"(\"");
    }
}

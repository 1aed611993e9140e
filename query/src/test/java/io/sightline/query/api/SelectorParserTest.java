package io.sightline.query.api;

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

class SelectorParserTest {
    @Test
    void metricNameAloneIsANameMatcher() {
        assertThat(SelectorParser.parse("http_requests_total")).containsExactly(Matcher.eq("__name__", "http_requests_total"));
        assertThat(SelectorParser.parse(" job:rate5m ")).containsExactly(Matcher.eq("__name__", "job:rate5m"));
    }

    @Test
    void allFourMatcherKindsInBracesWithTheNameFirst() {
        assertThat(SelectorParser.parse("up{a=\"1\", b!=\"2\", c=~\"3.*\", d!~'4',}")).containsExactly(
                Matcher.eq("__name__", "up"), Matcher.of(EQ, "a", "1"), Matcher.of(NEQ, "b", "2"),
                Matcher.of(RE, "c", "3.*"), Matcher.of(NRE, "d", "4"));
    }

    @Test
    void bracesAloneAndQuotedNamesAsInPrometheus3() {
        assertThat(SelectorParser.parse("{__name__=\"up\"}")).containsExactly(Matcher.eq("__name__", "up"));
        assertThat(SelectorParser.parse("{\"my.metric\", \"my.label\"=\"x\"}"))
                .containsExactly(Matcher.eq("__name__", "my.metric"), Matcher.eq("my.label", "x"));
        assertThat(SelectorParser.parse("up{}")).containsExactly(Matcher.eq("__name__", "up"));
    }

    @Test
    void stringsTakeGoEscapesExceptInBackticks() {
        List<Matcher> m = SelectorParser.parse("{a=\"x\\\"y\\n\\u00e9\\x41\\101\", b=`raw\\n`}");
        assertThat(m).containsExactly(Matcher.eq("a", "x\"y\néAA"), Matcher.eq("b", "raw\\n"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(value = {
            "''| 1:1: parse error: unexpected end of input",
            "up{| 1:4: parse error: unexpected end of input inside braces",
            "up{a=1}| 1:6: parse error: unexpected '1' in label matching, expected string",
            "up{a~\"1\"}| 1:5: parse error: unexpected '~' in label matching, expected label matching operator",
            "up{a=\"1\" b=\"2\"}| 1:10: parse error: unexpected 'b' in label matching, expected \",\" or \"}\"",
            "up{a=\"1}| 1:6: parse error: unterminated quoted string",
            "up + 1| 1:4: parse error: unexpected character after series selector: '+' (match[] takes a series selector, not an expression)",
            "up[5m]| 1:3: parse error: unexpected character after series selector: '[' (match[] takes a series selector, not an expression)",
            "up{__name__=\"x\"}| 1:4: parse error: metric name must not be set twice: \"up\" or \"x\"",
            "{%}| 1:2: parse error: unexpected character inside braces: '%'",
    }, delimiter = '|', quoteCharacter = '\'')
    void syntaxErrorsArePositionedLikePrometheus(String selector, String message) {
        assertThatThrownBy(() -> SelectorParser.parse(selector)).hasMessage(message);
    }

    @Test
    void badRegularExpressionsArePositionedAtTheValue() {
        assertThatThrownBy(() -> SelectorParser.parse("{a=~\"(\"}"))
                .hasMessageStartingWith("1:5: parse error: invalid regular expression \"(\"");
    }
}

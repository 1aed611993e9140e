package io.sightline.alerting.template;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TemplateTest {
    private static final Template.Data DATA = new Template.Data(Map.of("service", "checkout", "instance", "pod-1:8080"),
            Map.of("cluster", "eu1"), "http://sightline:9090", 0.12345);

    private static String run(String text) {
        return Template.parse("t", text).execute(DATA, expr -> List.of(
                new Template.Sample(Map.of("job", "b"), 2), new Template.Sample(Map.of("job", "a"), 1)));
    }

    @Test
    void expandsLabelsValueAndExternalLabelsAsPrometheusDoes() {
        assertThat(run("{{ $labels.service }} at {{ $value }} in {{ $externalLabels.cluster }}"))
                .isEqualTo("checkout at 0.12345 in eu1");
        assertThat(run("{{ .Labels.service }}/{{ .Value }}/{{ .ExternalURL }}")).isEqualTo("checkout/0.12345/http://sightline:9090");
        assertThat(run("[{{ $labels.missing }}]")).isEqualTo("[]");
    }

    @Test
    void humanizesWithPipesAndArguments() {
        assertThat(run("{{ $value | humanizePercentage }}")).isEqualTo("12.35%");
        assertThat(run("{{ humanize 1234567 }}")).isEqualTo("1.235M");
        assertThat(run("{{ humanize 0.00025 }}")).isEqualTo("250u");
        assertThat(run("{{ humanizeDuration 3725 }}")).isEqualTo("1h 2m 5s");
        assertThat(run("{{ humanizeDuration 0.25 }}")).isEqualTo("250ms");
        assertThat(run("{{ humanizeDuration 90061 }}")).isEqualTo("1d 1h 1m 1s");
        assertThat(run("{{ humanize1024 2048 }}")).isEqualTo("2ki");
        assertThat(run("{{ printf \"%.2f\" $value }}")).isEqualTo("0.12");
        assertThat(run("{{ printf \"%s=%d\" \"n\" 42 }}")).isEqualTo("n=42");
        assertThat(run("{{ $labels.instance | stripPort | toUpper }}")).isEqualTo("POD-1");
    }

    @Test
    void formatsFloatsLikeGo() {
        assertThat(GoFormat.formatFloat(100)).isEqualTo("100");
        assertThat(GoFormat.formatFloat(1e21)).isEqualTo("1e+21");
        assertThat(GoFormat.formatFloat(0.00001)).isEqualTo("1e-05");
        assertThat(GoFormat.formatG(1.5, 4)).isEqualTo("1.5");
        assertThat(GoFormat.formatG(123456, 4)).isEqualTo("1.235e+05");
    }

    @Test
    void supportsIfElseRangeAndQuery() {
        assertThat(run("{{ if gt $value 0.1 }}high{{ else }}low{{ end }}")).isEqualTo("high");
        assertThat(run("{{ if eq $labels.service \"x\" }}x{{ else if eq $labels.service \"checkout\" }}c{{ end }}")).isEqualTo("c");
        assertThat(run("{{ range query \"up\" }}{{ .Labels.job }}={{ .Value }};{{ end }}")).isEqualTo("b=2;a=1;");
        assertThat(run("{{ with query \"up\" }}{{ . | first | value | humanize }}{{ end }}")).isEqualTo("2");
        assertThat(run("{{ range sortByLabel \"job\" (query \"up\") }}{{ label \"job\" . }}{{ end }}")).isEqualTo("ab");
        assertThat(run("a  {{- \"b\" -}}  c{{/* note */}}")).isEqualTo("abc");
        assertThat(run("{{ $x := humanize 2000 }}{{ $x }}")).isEqualTo("2k");
    }

    @Test
    void rejectsUnknownFunctionsAndUnclosedActionsAtParseTime() {
        assertThatThrownBy(() -> Template.parse("summary", "{{ humanise $value }}"))
                .hasMessage("template: summary: function \"humanise\" not defined");
        assertThatThrownBy(() -> Template.parse("summary", "{{ $value "))
                .hasMessageContaining("template: summary: unclosed action");
        assertThatThrownBy(() -> Template.parse("summary", "{{ $lables.job }}"))
                .hasMessage("template: summary: undefined variable \"$lables\"");
        assertThatThrownBy(() -> Template.parse("summary", "{{ if $value }}x"))
                .hasMessageContaining("missing {{end}}");
    }

    @Test
    void callsNamedTemplatesFromTheTextAndFromALibrary() {
        TemplateLibrary lib = TemplateLibrary.parse(List.of(new TemplateLibrary.Source("a.tmpl",
                "{{ define \"svc\" }}service={{ .Labels.service }}{{ end }}"
                        + "{{ define \"wrap\" }}[{{ template \"svc\" . }}]{{ end }}")));
        Template t = Template.parse("t", "{{ define \"own\" }}own:{{ . }}{{ end }}{{ template \"wrap\" . }} "
                + "{{ template \"own\" .Value }} {{ block \"dflt\" . }}block{{ end }}", lib);
        assertThat(t.execute(DATA, null)).isEqualTo("[service=checkout] own:0.12345 block");
    }

    @Test
    void aCallOfAnUndefinedTemplateFailsAtParseTimeNamingIt() {
        assertThatThrownBy(() -> Template.parse("title", "{{ template \"nope\" . }}"))
                .isInstanceOf(TemplateException.class).hasMessage("template: title: no such template \"nope\"");
        assertThatThrownBy(() -> Template.parse("t", "{{ if true }}{{ define \"x\" }}{{ end }}{{ end }}"))
                .hasMessageContaining("define at the top level");
    }

    @Test
    void rangesWithKeyAndValueVariablesInSortedOrder() {
        assertThat(run("{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}"))
                .isEqualTo("instance=pod-1:8080;service=checkout;");
        assertThat(run("{{ range $i, $x := (stringSlice \"a\" \"b\") }}{{ $i }}{{ $x }}{{ end }}")).isEqualTo("0a1b");
    }

    @Test
    void offersAlertmanagersStringAndTimeFunctions() {
        assertThat(run("{{ join \",\" (stringSlice \"a\" \"b\") }}|{{ trimSpace \"  x \" }}|{{ toJson $labels }}"))
                .isEqualTo("a,b|x|{\"instance\":\"pod-1:8080\",\"service\":\"checkout\"}");
        GoTime t = GoTime.utc(1_772_439_330_123L);
        assertThat(t.format("2006-01-02T15:04:05.000Z07:00 Mon Jan _2")).isEqualTo("2026-03-02T08:15:30.123Z Mon Mar  2");
        assertThat(Template.parse("t", "{{ .Format \"15:04 MST\" }} {{ (tz \"Europe/Berlin\" .).Format \"15:04\" }} "
                + "{{ date \"2006\" . }}").execute(t)).isEqualTo("08:15 UTC 09:15 2026");
    }
}

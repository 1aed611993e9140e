package io.sightline.query.traceql;

import io.sightline.query.QueryException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tempo's tag search (logfmt tags and durations) as the TraceQL filter it stands for. */
class TagsQueryTest {
    @Test
    void noTagsAndNoDurationsSearchEverySpan() {
        assertThat(TagsQuery.toTraceQl("", 0, 0)).isEqualTo("{}");
        assertThat(TagsQuery.toTraceQl(null, 0, 0)).isEqualTo("{}");
    }

    @Test
    void wellKnownKeysBecomeIntrinsicsAndTheServiceResourceAttribute() {
        String q = TagsQuery.toTraceQl("service.name=cart name=\"GET /cart\" status.code=error", 0, 0);
        assertThat(q).isEqualTo("{resource.service.name = \"cart\" && name = \"GET /cart\" && status = error}");
        Parser.parse(q);
    }

    @Test
    void otherKeysMatchTheTextOrTheNumberItSpells() {
        String q = TagsQuery.toTraceQl("http.status_code=500 cached=true route=/a", 0, 0);
        assertThat(q).isEqualTo("{(.\"http.status_code\" = \"500\" || .\"http.status_code\" = 500)"
                + " && (.\"cached\" = \"true\" || .\"cached\" = true) && (.\"route\" = \"/a\")}");
        Parser.parse(q);
    }

    @Test
    void durationsBoundTheTraceDuration() {
        String q = TagsQuery.toTraceQl("", 100_000_000L, 2_000_000_000L);
        assertThat(q).isEqualTo("{traceDuration >= 100000000ns && traceDuration <= 2000000000ns}");
        Parser.parse(q);
    }

    @Test
    void quotedValuesKeepSpacesAndEscapes() {
        String q = TagsQuery.toTraceQl("name=\"a \\\"b\\\" c\"", 0, 0);
        assertThat(q).isEqualTo("{name = \"a \\\"b\\\" c\"}");
        Parser.parse(q);
    }

    @Test
    void malformedTagsAreRejectedWithThePosition() {
        assertThatThrownBy(() -> TagsQuery.toTraceQl("service.name=a broken", 0, 0))
                .isInstanceOf(QueryException.class).hasMessageContaining("logfmt) at position 16");
        assertThatThrownBy(() -> TagsQuery.toTraceQl("name=\"open", 0, 0))
                .isInstanceOf(QueryException.class).hasMessageContaining("unterminated quoted value of name");
        assertThatThrownBy(() -> TagsQuery.toTraceQl("status.code=bad", 0, 0))
                .isInstanceOf(QueryException.class).hasMessageContaining("status.code must be error, ok or unset");
    }
}

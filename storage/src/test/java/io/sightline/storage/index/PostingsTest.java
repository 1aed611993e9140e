package io.sightline.storage.index;

import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.buffer.MutableRoaringBitmap;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PostingsTest {
    @Test
    void intersectionKeepsOnlyIdsInEveryListWhateverTheirSizes() {
        Postings p = IntersectPostings.of(of(1, 2, 3, 5, 8, 13, 21, 34), of(2, 3, 5, 7, 11, 13, 34, 35), of(3, 13, 34));
        assertThat(drain(p)).containsExactly(3, 13, 34);
        assertThat(drain(IntersectPostings.of(of(1, 2), of()))).isEmpty();
    }

    @Test
    void withoutRemovesTheSecondListFromTheFirst() {
        assertThat(drain(WithoutPostings.of(of(1, 2, 3, 4, 5, 100_000), of(2, 4, 6, 100_000)))).containsExactly(1, 3, 5);
        assertThat(drain(WithoutPostings.of(of(1, 2), of()))).containsExactly(1, 2);
    }

    @Test
    void seekMovesToTheFirstIdAtOrAfterTheTargetAndNeverBack() {
        Postings p = IntersectPostings.of(of(1, 5, 9, 70_000, 70_001), of(5, 9, 70_001, 80_000));
        assertThat(p.seek(6)).isTrue();
        assertThat(p.at()).isEqualTo(9);
        assertThat(p.seek(2)).isTrue();
        assertThat(p.at()).isEqualTo(9);
        assertThat(p.seek(10)).isTrue();
        assertThat(p.at()).isEqualTo(70_001);
        assertThat(p.next()).isFalse();
    }

    @Test
    void headPostingsMakeSeriesShareOneStringPerDistinctNameAndValue() {
        MemPostings p = new MemPostings();
        Labels a = Labels.of(new String("__name__"), new String("up"), new String("job"), new String("api"));
        Labels b = Labels.of(new String("__name__"), new String("up"), new String("job"), new String("db"));
        assertThat(a.name(0)).isNotSameAs(b.name(0));

        p.add(1, a);
        p.add(2, b);

        assertThat(b.name(0)).isSameAs(a.name(0));
        assertThat(b.value(0)).isSameAs(a.value(0));
        assertThat(b.name(1)).isSameAs(a.name(1));
        assertThat(b.value(1)).isEqualTo("db");
        assertThat(b).isEqualTo(Labels.of("__name__", "up", "job", "db"));
        assertThat(b.hashCode()).isEqualTo(Labels.of("__name__", "up", "job", "db").hashCode());
        p.remove(1, a);
        p.remove(2, b);
        Labels c = Labels.of(new String("job"), new String("api"));
        p.add(3, c);
        assertThat(c.value(0)).isEqualTo("api");
        assertThat(p.labelValues("job")).containsExactly("api");
    }

    @Test
    void headPostingsSelectWithPrometheusMatcherSemantics() {
        MemPostings index = new MemPostings();
        index.add(1, Labels.of("__name__", "up", "job", "a"));
        index.add(2, Labels.of("__name__", "up", "job", "b"));
        index.add(3, Labels.of("__name__", "up"));
        index.add(4, Labels.of("__name__", "down", "job", "a"));

        assertThat(drain(PostingsForMatchers.select(index, Matcher.eq("__name__", "up"), Matcher.eq("job", "")))).containsExactly(3);
        assertThat(drain(PostingsForMatchers.select(index, Matcher.of(Matcher.Type.NEQ, "job", "a")))).containsExactly(2, 3);
        assertThat(drain(PostingsForMatchers.select(index, Matcher.of(Matcher.Type.RE, "job", "a|b"), Matcher.eq("__name__", "up"))))
                .containsExactly(1, 2);
        index.remove(1, Labels.of("__name__", "up", "job", "a"));
        assertThat(drain(PostingsForMatchers.select(index, Matcher.eq("job", "a")))).containsExactly(4);
        assertThat(index.labelValues("job")).containsExactly("a", "b");
        index.remove(4, Labels.of("__name__", "down", "job", "a"));
        assertThat(index.labelValues("job")).containsExactly("b");
        assertThat(index.labelValues("__name__")).containsExactly("up");
    }

    private static Postings of(int... ids) {
        return new BitmapPostings(MutableRoaringBitmap.bitmapOf(ids));
    }

    private static List<Integer> drain(Postings p) {
        List<Integer> out = new ArrayList<>();
        while (p.next()) {
            out.add(p.at());
        }
        return out;
    }
}

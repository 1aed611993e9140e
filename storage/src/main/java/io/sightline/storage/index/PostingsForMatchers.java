package io.sightline.storage.index;

import io.sightline.storage.model.Matcher;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns label matchers into postings with Prometheus's semantics: a missing label matches as "", so
 * {@code foo=""} selects series without {@code foo}, and a matcher that matches "" can only remove series
 * (those whose value fails it); it never selects by itself.
 */
public final class PostingsForMatchers {
    private PostingsForMatchers() {
    }

    /** Ids of the series in {@code index} that match every matcher (all series for no matchers). */
    public static Postings select(IndexReader index, Matcher... matchers) {
        List<Postings> intersect = new ArrayList<>(matchers.length);
        List<Postings> remove = new ArrayList<>(matchers.length);
        for (Matcher m : matchers) {
            if (isMatchAll(m)) {
                continue;
            }
            if (m.matchesEmpty()) {
                // Series that carry the label with a value failing the matcher are excluded; those
                // without the label pass, since their value counts as "".
                remove.add(new BitmapPostings(index.postingsMatching(m.name(), m, true)));
            } else {
                intersect.add(new BitmapPostings(index.postingsMatching(m.name(), m, false)));
            }
        }
        Postings base = intersect.isEmpty()
                ? new BitmapPostings(index.allPostings())
                : IntersectPostings.of(intersect.toArray(new Postings[0]));
        for (Postings r : remove) {
            base = WithoutPostings.of(base, r);
        }
        return base;
    }

    /** Whether no matcher of the list can narrow a selection: Prometheus rejects such selectors. */
    public static boolean matchesEverySeries(Matcher... matchers) {
        for (Matcher m : matchers) {
            if (!m.matchesEmpty()) {
                return false;
            }
        }
        return true;
    }

    private static boolean isMatchAll(Matcher m) {
        return m.type() == Matcher.Type.RE && (m.value().equals(".*") || m.value().equals(".*?"));
    }
}

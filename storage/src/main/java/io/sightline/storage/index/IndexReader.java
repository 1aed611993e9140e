package io.sightline.storage.index;

import io.sightline.storage.model.Matcher;
import org.roaringbitmap.buffer.ImmutableRoaringBitmap;

import java.util.List;

/**
 * Read access to one index (the head's postings or a block's): label names, values and postings.
 * Implementations are thread-safe. Returned bitmaps are never modified afterwards (the head hands out
 * private copies), so callers may iterate them without locks.
 */
public interface IndexReader {
    /** Every label name with at least one series, sorted. */
    List<String> labelNames();

    /** Every value of {@code name}, sorted; empty when the name is unknown. */
    List<String> labelValues(String name);

    /**
     * The union of the postings of those values {@code v} of {@code name} for which
     * {@code matcher.matches(v) != negate}; an empty bitmap when none.
     */
    ImmutableRoaringBitmap postingsMatching(String name, Matcher matcher, boolean negate);

    /** Every series id of this index. */
    ImmutableRoaringBitmap allPostings();
}

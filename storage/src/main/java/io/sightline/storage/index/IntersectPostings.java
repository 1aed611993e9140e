package io.sightline.storage.index;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The ids present in every input. Inputs are ordered smallest-first so the rarest list drives the walk and
 * the others only {@link Postings#seek(int)} (a leapfrog join, as Prometheus's {@code intersectPostings}).
 */
final class IntersectPostings implements Postings {
    private final Postings[] lists;
    private int current = -1;

    private IntersectPostings(Postings[] lists) {
        this.lists = lists;
    }

    static Postings of(Postings... lists) {
        if (lists.length == 0) {
            return Postings.EMPTY;
        }
        if (lists.length == 1) {
            return lists[0];
        }
        Postings[] sorted = lists.clone();
        Arrays.sort(sorted, Comparator.comparingLong(Postings::cost));
        if (sorted[0].cost() == 0) {
            return Postings.EMPTY;
        }
        return new IntersectPostings(sorted);
    }

    @Override
    public boolean next() {
        if (!lists[0].next()) {
            return false;
        }
        return align(lists[0].at());
    }

    @Override
    public boolean seek(int id) {
        if (!lists[0].seek(id)) {
            return false;
        }
        return align(lists[0].at());
    }

    /** Seeks every list to a common id, starting at {@code candidate}. */
    private boolean align(int candidate) {
        int target = candidate;
        while (true) {
            boolean agreed = true;
            for (Postings p : lists) {
                if (!p.seek(target)) {
                    return false;
                }
                int at = p.at();
                if (at != target) {
                    target = at;
                    agreed = false;
                    break;
                }
            }
            if (agreed) {
                current = target;
                return true;
            }
        }
    }

    @Override
    public int at() {
        return current;
    }

    @Override
    public long cost() {
        return lists[0].cost();
    }
}

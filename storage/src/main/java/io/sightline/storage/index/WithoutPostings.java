package io.sightline.storage.index;

/** The ids of {@code base} that are not in {@code removed}. */
final class WithoutPostings implements Postings {
    private final Postings base;
    private final Postings removed;
    private boolean removedExhausted;

    private WithoutPostings(Postings base, Postings removed) {
        this.base = base;
        this.removed = removed;
    }

    static Postings of(Postings base, Postings removed) {
        if (removed == Postings.EMPTY || removed.cost() == 0) {
            return base;
        }
        return new WithoutPostings(base, removed);
    }

    @Override
    public boolean next() {
        return base.next() && skipRemoved();
    }

    @Override
    public boolean seek(int id) {
        return base.seek(id) && skipRemoved();
    }

    private boolean skipRemoved() {
        while (true) {
            int id = base.at();
            if (removedExhausted || !removed.seek(id)) {
                removedExhausted = true;
                return true;
            }
            if (removed.at() != id) {
                return true;
            }
            if (!base.next()) {
                return false;
            }
        }
    }

    @Override
    public int at() {
        return base.at();
    }

    @Override
    public long cost() {
        return base.cost();
    }
}

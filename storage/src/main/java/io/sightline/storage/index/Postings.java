package io.sightline.storage.index;

/**
 * A cursor over series ids in ascending order, as Prometheus's {@code index.Postings}: call {@link #next()}
 * or {@link #seek(int)} before {@link #at()}. Not thread-safe. Implementations never materialise a list of
 * ids; they walk bitmaps so that intersections can skip ahead with {@link #seek(int)}.
 */
public interface Postings {
    /** An empty cursor; stateless, so one instance serves everyone. */
    Postings EMPTY = new Postings() {
        @Override
        public boolean next() {
            return false;
        }

        @Override
        public boolean seek(int id) {
            return false;
        }

        @Override
        public int at() {
            throw new IllegalStateException("BUG: at() on empty postings");
        }

        @Override
        public long cost() {
            return 0;
        }
    };

    /** Advances to the next id; false when exhausted. */
    boolean next();

    /**
     * Advances to the first id {@code >= id}; does nothing when the current id already is. False when no
     * such id exists. May be called before the first {@link #next()}.
     */
    boolean seek(int id);

    /** The current id. */
    int at();

    /** An upper bound on the ids left, used to order intersections smallest-first. */
    long cost();
}

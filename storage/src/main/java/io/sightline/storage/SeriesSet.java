package io.sightline.storage;

/**
 * A cursor over series: call {@link #next()} before each {@link #at()}. The {@link Series} returned by
 * {@code at()} stays valid after {@code next()} (callers may keep it) until the querier is closed.
 */
public interface SeriesSet {
    boolean next();

    Series at();

    /** An empty set. */
    SeriesSet EMPTY = new SeriesSet() {
        @Override
        public boolean next() {
            return false;
        }

        @Override
        public Series at() {
            throw new IllegalStateException("BUG: at() on an empty series set");
        }
    };
}

package io.sightline.server.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A store opened by its first use: an idle server does not hold the threads, files, buffers and classes of a
 * signal it is never sent. Thread-safe; after {@link #close} a use throws {@link IllegalStateException}.
 */
final class OnFirstUse<T extends AutoCloseable> implements AutoCloseable {
    private final String name;
    private final Supplier<T> opener;
    private volatile T store;
    private boolean closed; // guarded by this

    private OnFirstUse(String name, Supplier<T> opener) {
        this.name = name;
        this.opener = opener;
    }

    /**
     * Opens now when {@code dir} exists (a store that has been used: its WAL is replayed and its errors reported at
     * start, as before), else on first use. A store that was never used has no directory, since opening one is
     * what creates it; so a missing directory means there is nothing to replay or read.
     */
    static <T extends AutoCloseable> OnFirstUse<T> openIfPresent(String name, Path dir, Supplier<T> opener) {
        OnFirstUse<T> s = new OnFirstUse<>(name, opener);
        if (Files.exists(dir)) {
            s.get();
        }
        return s;
    }

    /** The store, opened by the first caller. */
    T get() {
        T s = store;
        if (s != null) {
            return s;
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the " + name + " is closed");
            }
            if (store == null) {
                store = opener.get();
            }
            return store;
        }
    }

    /** The store if it has been opened, else null (its answer is that of an empty store). */
    T ifOpen() {
        return store;
    }

    /** Runs {@code action} on the store if it has been opened; an unopened store has nothing to act on. */
    void whenOpen(Consumer<? super T> action) {
        T s = store;
        if (s != null) {
            action.accept(s);
        }
    }

    /** Closes the store if it was opened; a later {@link #get} throws. */
    @Override
    public void close() {
        T s;
        synchronized (this) {
            closed = true;
            s = store;
        }
        if (s == null) {
            return;
        }
        try {
            s.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot close the " + name + ": " + e.getMessage(), e);
        }
    }
}

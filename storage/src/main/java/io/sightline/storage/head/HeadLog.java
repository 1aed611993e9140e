package io.sightline.storage.head;

/**
 * Where the head makes a commit durable before applying it (the WAL). A commit is logged in two steps:
 * {@link #prepare} encodes what depends only on the batch (its samples and metadata) before the head's commit
 * locks, so that concurrent commits encode and compress side by side; {@link #log} then writes it, with the
 * series new to the log, under the head's log lock, so calls never overlap and their order is the order in
 * which batches are applied.
 */
public interface HeadLog {
    /** A log that keeps nothing: for a head that needs no durability. */
    HeadLog NONE = new HeadLog() {
        @Override
        public Prepared prepare(CommitBatch batch) {
            return Prepared.NOTHING;
        }

        @Override
        public void log(CommitBatch batch, Prepared prepared) {
        }
    };

    /**
     * Encodes the batch's samples and metadata; may run on several threads at once. Hand the result to
     * {@link #log} with the same batch, and {@link Prepared#release release} it in any case afterwards.
     */
    Prepared prepare(CommitBatch batch);

    /**
     * Writes the batch: records for its series new to the log, then what {@link #prepare} encoded; when this
     * returns normally, the batch survives a process crash.
     *
     * @throws io.sightline.storage.StorageException when it could not be written; the commit then fails
     */
    void log(CommitBatch batch, Prepared prepared);

    /** A batch encoded by {@link #prepare}; holds reusable buffers until released. */
    interface Prepared {
        Prepared NOTHING = () -> { };

        /** Gives the buffers back; call once, after {@link #log} or instead of it. */
        void release();
    }
}

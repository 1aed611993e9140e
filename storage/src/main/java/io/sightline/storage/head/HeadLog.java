package io.sightline.storage.head;

/**
 * Where the head makes a commit durable before applying it (the WAL). Called under the head's commit
 * lock, so calls never overlap and their order is the order in which batches are applied.
 */
public interface HeadLog {
    /** A log that keeps nothing: for a head that needs no durability. */
    HeadLog NONE = batch -> { };

    /**
     * Writes the batch; when this returns normally, the batch survives a process crash.
     *
     * @throws io.sightline.storage.StorageException when it could not be written; the commit then fails
     */
    void log(CommitBatch batch);
}

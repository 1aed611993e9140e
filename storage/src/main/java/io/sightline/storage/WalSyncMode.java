package io.sightline.storage;

/**
 * When the WAL is fsynced. Every mode writes a batch into the WAL file before the commit returns, so a
 * process crash (kill -9) loses nothing acknowledged; the mode only decides what an OS crash or power
 * loss may lose.
 */
public enum WalSyncMode {
    /** fsync on every commit: nothing acknowledged is lost even on power loss; slowest. */
    ALWAYS,
    /** fsync at most every {@code walSyncIntervalMillis} and on segment cut (the default, as in Prometheus). */
    INTERVAL,
    /** Never fsync explicitly; the OS decides. */
    NEVER
}

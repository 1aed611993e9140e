package io.sightline.storage;

/**
 * Where ingest writes. This is the seam for scaling out: an implementation may forward to a queue or
 * another node instead of the local store. Thread-safe: each caller takes its own {@link Appender}.
 */
public interface Appendable {
    /** A new appender for one batch (one request). The caller must commit or roll it back. */
    Appender appender();
}

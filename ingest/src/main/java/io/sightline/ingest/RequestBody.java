package io.sightline.ingest;

/**
 * A request body that an endpoint copies into a buffer of its own, so that the server need not make an array per
 * request (see {@link IngestService#handleRemoteWrite(String, String, int, RequestBody)}). Read on the handling
 * thread, while the handler runs.
 */
@FunctionalInterface
public interface RequestBody {
    /** Copies the whole body into {@code dst[offset, offset + length)}, where length is the size given with it. */
    void copyTo(byte[] dst, int offset);
}

package io.sightline.storage.io;

/**
 * A decoder met bytes that cannot be what the format says. Carries the offset in the buffer being decoded;
 * the owner of the file rethrows with file name and absolute offset.
 */
public final class CorruptDataException extends RuntimeException {
    private final long offset;

    public CorruptDataException(String message, long offset) {
        super(message + " at offset " + offset);
        this.offset = offset;
    }

    public long offset() {
        return offset;
    }
}

package io.sightline.storage;

/**
 * Stored data that fails its own checks (a checksum, bounds, a header, a missing file of a block): the file is
 * damaged, as opposed to a disk or a file system that cannot be used right now. A store moves a damaged block or
 * segment aside at open and serves the rest.
 */
public class DamagedDataException extends StorageException {
    public DamagedDataException(String message, Throwable cause) {
        super(message, cause);
    }

    public DamagedDataException(String message) {
        super(message);
    }
}

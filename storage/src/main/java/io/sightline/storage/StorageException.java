package io.sightline.storage;

/** The one unchecked exception of the storage module: I/O failure, corruption, misuse. */
public class StorageException extends RuntimeException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.sightline.storage.engine;

import io.sightline.storage.StorageException;
import io.sightline.storage.io.FileFacade;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on {@code <data_dir>/lock} for the life of the store, so that a second process (or a
 * second store in this one) cannot open the same directory and interleave WAL segments and blocks. The OS
 * releases it when the process dies, so a crash leaves no stale lock.
 */
final class DataDirLock implements AutoCloseable {
    static final String FILE = "lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock acquire(Path dataDir, FileFacade files) {
        Path file = dataDir.resolve(FILE);
        FileChannel ch = null;
        try {
            ch = files.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                throw inUse(dataDir, null);
            }
            return new DataDirLock(ch, lock);
        } catch (OverlappingFileLockException e) {
            close(ch);
            throw inUse(dataDir, e);
        } catch (IOException e) {
            close(ch);
            throw new StorageException("cannot lock data directory " + dataDir + " (" + file + "): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(ch);
            throw e;
        }
    }

    private static StorageException inUse(Path dataDir, Throwable cause) {
        return new StorageException("data directory " + dataDir + " is in use by another Sightline process or store; "
                + "stop it or set data_dir to another directory", cause);
    }

    private static void close(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing: the original error is the one to report
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new StorageException("cannot release the data directory lock: " + e.getMessage(), e);
        }
    }
}

package io.sightline.storage.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Every file operation of the storage module goes through here, so that tests can inject a failing
 * fsync, rename or short write (as QuestDB's {@code FilesFacade}). Implementations are thread-safe.
 * Methods throw {@link IOException}; callers turn it into a {@code StorageException} naming the file.
 */
public interface FileFacade {
    FileChannel open(Path file, OpenOption... options) throws IOException;

    /** Writes all of {@code src} at the channel's position, looping over short writes. */
    void writeFully(FileChannel channel, ByteBuffer src) throws IOException;

    /** Reads up to {@code dst.remaining()} bytes at {@code position}; returns how many, -1 at end. */
    int read(FileChannel channel, ByteBuffer dst, long position) throws IOException;

    /** Flushes file content to the device ({@code fdatasync}). */
    void force(FileChannel channel) throws IOException;

    void truncate(FileChannel channel, long size) throws IOException;

    /** Maps {@code size} bytes from offset 0, read-only, into {@code arena}. */
    MemorySegment mapReadOnly(FileChannel channel, long size, Arena arena) throws IOException;

    /** Renames atomically, replacing the target. */
    void moveAtomically(Path from, Path to) throws IOException;

    /** Makes renames and creations inside the directory durable. */
    void syncDirectory(Path dir) throws IOException;

    void createDirectories(Path dir) throws IOException;

    boolean exists(Path path);

    long size(Path file) throws IOException;

    /** Deletes a file or a whole directory tree; no error when missing. */
    void deleteRecursively(Path path) throws IOException;

    /** The entries of a directory, sorted by name; empty when it does not exist. */
    List<Path> list(Path dir) throws IOException;

    /**
     * Makes {@code link} a second name (hard link) of the existing file {@code existing}. A default method, so
     * that test doubles which inject other faults need not implement it.
     */
    default void createLink(Path link, Path existing) throws IOException {
        Files.createLink(link, existing);
    }

    /** Copies the bytes {@code from} has now into the new file {@code to}. A default method, as above. */
    default void copy(Path from, Path to) throws IOException {
        Files.copy(from, to);
    }
}

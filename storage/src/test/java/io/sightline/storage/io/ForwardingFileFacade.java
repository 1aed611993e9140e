package io.sightline.storage.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.List;

/**
 * The real file system, every call passed through: fault-injecting test doubles extend it and override only the
 * calls they break.
 */
public class ForwardingFileFacade implements FileFacade {
    protected final FileFacade real = DefaultFileFacade.INSTANCE;

    @Override
    public FileChannel open(Path file, OpenOption... options) throws IOException {
        return real.open(file, options);
    }

    @Override
    public void writeFully(FileChannel channel, ByteBuffer src) throws IOException {
        real.writeFully(channel, src);
    }

    @Override
    public int read(FileChannel channel, ByteBuffer dst, long position) throws IOException {
        return real.read(channel, dst, position);
    }

    @Override
    public void force(FileChannel channel) throws IOException {
        real.force(channel);
    }

    @Override
    public void truncate(FileChannel channel, long size) throws IOException {
        real.truncate(channel, size);
    }

    @Override
    public MemorySegment mapReadOnly(FileChannel channel, long size, Arena arena) throws IOException {
        return real.mapReadOnly(channel, size, arena);
    }

    @Override
    public void moveAtomically(Path from, Path to) throws IOException {
        real.moveAtomically(from, to);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        real.syncDirectory(dir);
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        real.createDirectories(dir);
    }

    @Override
    public boolean exists(Path path) {
        return real.exists(path);
    }

    @Override
    public long size(Path file) throws IOException {
        return real.size(file);
    }

    @Override
    public void deleteRecursively(Path path) throws IOException {
        real.deleteRecursively(path);
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        return real.list(dir);
    }

    @Override
    public void createLink(Path link, Path existing) throws IOException {
        real.createLink(link, existing);
    }

    @Override
    public void copy(Path from, Path to) throws IOException {
        real.copy(from, to);
    }
}

package io.sightline.storage.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The real file system, full on demand: every write stores at most half of its bytes, then fails as ENOSPC does (a
 * real disk may still take a few bytes into a file's last block; a store must cope with the part either way).
 * Creating files and directories still works, as it does on a full disk with free inodes.
 */
public final class FullDiskFiles extends ForwardingFileFacade {
    public volatile boolean isFull;

    @Override
    public void writeFully(FileChannel channel, ByteBuffer src) throws IOException {
        if (isFull) {
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + src.remaining() / 2);
            real.writeFully(channel, part);
            throw new IOException("No space left on device");
        }
        real.writeFully(channel, src);
    }
}

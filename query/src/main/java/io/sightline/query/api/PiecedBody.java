package io.sightline.query.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

import java.io.OutputStream;

/**
 * A response body written in fixed pieces taken from the channel's allocator as it grows, joined without a
 * copy when done. One growing buffer doubles and copies: a 2.3 MB range-query answer passed through buffers of
 * 4 KiB up to 4 MiB (~8 MB of direct memory asked for, the largest kept by the pool, resident after the query
 * set), where pieces ask for the body's size rounded up to a piece, reuse the pool's common size, and go to
 * the socket as they are (one iovec each). Small bodies stay one small buffer. Not thread-safe.
 */
final class PiecedBody extends OutputStream {
    /** The first piece: most bodies (errors, label lists, small vectors) fit. */
    static final int FIRST = 4096;
    static final int PIECE = 64 * 1024;

    private final ByteBufAllocator alloc;
    private CompositeByteBuf full; // the filled pieces, once there are two or more
    private ByteBuf current;

    PiecedBody(ByteBufAllocator alloc) {
        this.alloc = alloc;
        this.current = alloc.buffer(FIRST, FIRST);
    }

    @Override
    public void write(int b) {
        if (!current.isWritable()) {
            nextPiece();
        }
        current.writeByte(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        while (len > 0) {
            if (!current.isWritable()) {
                nextPiece();
            }
            int n = Math.min(len, current.writableBytes());
            current.writeBytes(b, off, n);
            off += n;
            len -= n;
        }
    }

    private void nextPiece() {
        if (full == null) {
            full = alloc.compositeBuffer(Integer.MAX_VALUE);
        }
        full.addComponent(true, current); // owned by the composite from here on
        current = alloc.buffer(PIECE, PIECE);
    }

    /** The whole body; this stream must not be written after. The caller owns (releases) it. */
    ByteBuf body() {
        if (current == null) {
            throw new IllegalStateException("BUG: the body was already taken or discarded");
        }
        if (full == null) {
            ByteBuf b = current;
            current = null;
            return b;
        }
        full.addComponent(true, current);
        current = null;
        ByteBuf b = full;
        full = null;
        return b;
    }

    /** Releases whatever was written (on a failed render). */
    void discard() {
        if (current != null) {
            current.release();
            current = null;
        }
        if (full != null) {
            full.release();
            full = null;
        }
    }
}

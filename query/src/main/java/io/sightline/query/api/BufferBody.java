package io.sightline.query.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.sightline.query.HttpCall;

/**
 * A request body read straight from the aggregated request's buffer: a handler that copies it into a buffer of its
 * own (remote write does, into one it reuses) costs no allocation, where an array copy per request was the
 * largest allocation of remote-write ingest (the compressed body, ~14 B per sample). Does not own the buffer: the
 * dispatcher holds a reference until the handler has returned.
 */
final class BufferBody implements HttpCall.Body {
    private final ByteBuf content;
    private byte[] bytes;

    BufferBody(ByteBuf content) {
        this.content = content;
    }

    @Override
    public int length() {
        return content.readableBytes();
    }

    @Override
    public void copyTo(byte[] dst, int offset) {
        content.getBytes(content.readerIndex(), dst, offset, content.readableBytes());
    }

    @Override
    public byte[] bytes() {
        if (bytes == null) {
            bytes = ByteBufUtil.getBytes(content);
        }
        return bytes;
    }
}

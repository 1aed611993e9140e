package io.sightline.ingest.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.sightline.http.AccessGate;
import io.sightline.http.BodyLimitAggregator;
import io.sightline.ingest.IngestSecurity;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * What OTLP/HTTP refuses before a request reaches {@link OtlpHttpHandler}, in its wording, and counted through the
 * {@link MetricsEndpoint}: requests the {@link IngestSecurity.Gate} refuses (401 or 429, as plain text) and heads
 * that did not parse or were too large (431/414/400), asked by the {@link AccessGate}; bodies over
 * {@code ingest.max_request_bytes}, answered with a {@code google.rpc.Status} in the request's encoding by the
 * {@link BodyLimitAggregator}. One per server; thread-safe.
 */
record Refusals(IngestSecurity.Gate gate, MetricsEndpoint endpoint) implements AccessGate.Check,
        BodyLimitAggregator.TooLarge {
    @Override
    public FullHttpResponse refusal(ChannelHandlerContext ctx, HttpRequest head, InetSocketAddress remote) {
        long start = System.nanoTime();
        IngestSecurity.Refusal refusal = head.decoderResult().isFailure() ? malformed(head.decoderResult().cause())
                : gate.check(remote, head.headers().get(HttpHeaderNames.AUTHORIZATION));
        if (refusal == null) {
            return null;
        }
        endpoint.count(refusal.status(), start);
        FullHttpResponse r = Responses.text(HttpResponseStatus.valueOf(refusal.status()), refusal.message() + "\n",
                false);
        for (Map.Entry<String, String> h : refusal.headers().entrySet()) {
            r.headers().set(h.getKey(), h.getValue());
        }
        return r;
    }

    /** A request line or header block past {@code ingest.max_header_bytes}, or one that does not parse. */
    private static IngestSecurity.Refusal malformed(Throwable cause) {
        if (cause instanceof TooLongHttpHeaderException) {
            return new IngestSecurity.Refusal(431, "request headers exceed ingest.max_header_bytes", Map.of());
        }
        if (cause instanceof TooLongHttpLineException) {
            return new IngestSecurity.Refusal(414, "request line exceeds ingest.max_header_bytes", Map.of());
        }
        return new IngestSecurity.Refusal(400, "malformed HTTP request: " + cause.getMessage(), Map.of());
    }

    @Override
    public FullHttpResponse tooLarge(ChannelHandlerContext ctx, HttpMessage head, int maxBodyBytes) {
        long start = System.nanoTime();
        String contentType = head instanceof HttpRequest r ? r.headers().get(HttpHeaderNames.CONTENT_TYPE) : null;
        endpoint.count(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code(), start);
        return Responses.of(endpoint.tooLarge(contentType), false);
    }
}

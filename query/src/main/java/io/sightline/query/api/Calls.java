package io.sightline.query.api;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.sightline.query.HttpCall;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns a Netty request into an {@link HttpCall}, free of Netty types. */
final class Calls {
    /** More parameters than this in a query string or form body are ignored, as Netty's decoder does. */
    static final int MAX_PARAMS = 1024;

    private Calls() {
    }

    /**
     * A call whose body is a copy, readable at any time. Query-string and form-body parameters are merged with the
     * body's values first, so that {@link HttpCall#param} prefers the body, as Go's {@code FormValue} does.
     *
     * @throws IllegalArgumentException when the URI or the form body is not validly encoded
     */
    static HttpCall from(FullHttpRequest req) {
        return of(req, false);
    }

    /**
     * As {@link #from}, but the call's body reads {@code req}'s content in place: the caller keeps a reference to
     * it until the handler has returned.
     */
    static HttpCall borrowing(FullHttpRequest req) {
        return of(req, true);
    }

    private static HttpCall of(FullHttpRequest req, boolean borrow) {
        QueryStringDecoder uri = decoder(true).build(req.uri());
        String path = uri.path();
        Map<String, List<String>> params = new LinkedHashMap<>();
        byte[] copy = null;
        if (req.method() == HttpMethod.POST && isForm(req)) {
            copy = ByteBufUtil.getBytes(req.content());
            merge(params, decoder(false).build(new String(copy, StandardCharsets.UTF_8)).parameters());
        }
        merge(params, uri.parameters());
        Map<String, String> headers = new HeaderView(req.headers());
        if (copy == null && !borrow) {
            copy = ByteBufUtil.getBytes(req.content());
        }
        return copy != null ? new HttpCall(req.method().name(), path, params, headers, copy)
                : new HttpCall(req.method().name(), path, params, headers, new BufferBody(req.content()));
    }

    private static boolean isForm(FullHttpRequest req) {
        String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
        return type != null && type.toLowerCase(Locale.ROOT)
                .startsWith(HttpHeaderValues.APPLICATION_X_WWW_FORM_URLENCODED.toString());
    }

    /** The decoded path of a request URI, as {@link #from} sees it. */
    static String path(String uri) {
        return decoder(true).build(uri).path();
    }

    private static QueryStringDecoder.Builder decoder(boolean hasPath) {
        return QueryStringDecoder.builder().hasPath(hasPath).maxParams(MAX_PARAMS).semicolonIsNormalChar(true);
    }

    private static void merge(Map<String, List<String>> into, Map<String, List<String>> from) {
        for (Map.Entry<String, List<String>> e : from.entrySet()) {
            into.computeIfAbsent(e.getKey(), k -> new ArrayList<>(e.getValue().size())).addAll(e.getValue());
        }
    }
}

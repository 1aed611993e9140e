package io.sightline.query.api;

import io.netty.handler.codec.http.HttpHeaders;

import java.util.AbstractMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A request's headers as {@link io.sightline.query.HttpCall#headers()} shows them (lower-cased names, the first
 * value of each), read from Netty's headers on lookup: copying them into a map of lower-cased strings for every
 * request was ~1 KB per remote-write request, while handlers only look a few names up. Iterating builds the copy
 * once. Read-only.
 */
final class HeaderView extends AbstractMap<String, String> {
    private final HttpHeaders headers;
    private Map<String, String> copy;

    HeaderView(HttpHeaders headers) {
        this.headers = headers;
    }

    @Override
    public String get(Object name) {
        return name instanceof String s ? headers.get(s) : null; // Netty's lookup ignores case
    }

    @Override
    public boolean containsKey(Object name) {
        return name instanceof String s && headers.contains(s);
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        if (copy == null) {
            Map<String, String> m = new HashMap<>();
            for (Map.Entry<String, String> h : headers) {
                m.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue());
            }
            copy = Map.copyOf(m);
        }
        return copy.entrySet();
    }
}

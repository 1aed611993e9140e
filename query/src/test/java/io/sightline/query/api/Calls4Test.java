package io.sightline.query.api;

import io.sightline.query.HttpCall;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds {@link HttpCall}s for handler tests. */
final class Calls4Test {
    private Calls4Test() {
    }

    /** A GET with parameters given as name, value, name, value... (a name may repeat). */
    static HttpCall get(String path, String... nameValues) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            params.computeIfAbsent(nameValues[i], k -> new java.util.ArrayList<>()).add(nameValues[i + 1]);
        }
        return new HttpCall("GET", path, params, Map.of(), new byte[0]);
    }
}

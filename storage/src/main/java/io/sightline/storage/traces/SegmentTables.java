package io.sightline.storage.traces;

import io.sightline.storage.model.Attributes;

/** What pages of one segment refer to: the dictionary, the resource table and the scope table. Thread-safe. */
record SegmentTables(Dictionary dict, Attributes[] resources, String[][] scopes) {
    int resourceCount() {
        return resources.length;
    }

    int scopeCount() {
        return scopes.length;
    }

    Attributes resource(int id) {
        return resources[id];
    }

    /** {@code {name, version}}. */
    String[] scope(int id) {
        return scopes[id];
    }
}

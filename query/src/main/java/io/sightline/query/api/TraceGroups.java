package io.sightline.query.api;

import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The spans of a trace grouped as OTLP nests them: by resource, then by instrumentation scope, in the order the
 * groups first appear. Both the JSON and the protobuf form of a trace are written from it.
 */
record TraceGroups(List<ResourceGroup> resources) {
    record ResourceGroup(Attributes resource, List<ScopeGroup> scopes) {
    }

    record ScopeGroup(String name, String version, List<Span> spans) {
    }

    static TraceGroups of(List<Span> spans) {
        Map<Attributes, Map<List<String>, List<Span>>> byResource = new LinkedHashMap<>();
        for (Span s : spans) {
            byResource.computeIfAbsent(s.resource(), r -> new LinkedHashMap<>())
                    .computeIfAbsent(List.of(s.scopeName(), s.scopeVersion()), k -> new ArrayList<>()).add(s);
        }
        List<ResourceGroup> out = new ArrayList<>(byResource.size());
        byResource.forEach((resource, scopes) -> {
            List<ScopeGroup> groups = new ArrayList<>(scopes.size());
            scopes.forEach((k, list) -> groups.add(new ScopeGroup(k.get(0), k.get(1), list)));
            out.add(new ResourceGroup(resource, groups));
        });
        return new TraceGroups(out);
    }
}

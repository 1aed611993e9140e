package io.sightline.query.api;

import io.sightline.query.ApiConfig;
import io.sightline.query.QueryEngine;
import io.sightline.query.Route;
import io.sightline.storage.Storage;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The endpoints of the Prometheus HTTP API (with its CORS behaviour), and the adapter for routes of other modules. */
final class PrometheusApi {
    private static final Set<String> GET = Set.of("GET");
    private static final Set<String> GET_POST = Set.of("GET", "POST");

    private PrometheusApi() {
    }

    static List<Endpoint> endpoints(ApiConfig config, QueryEngine engine, Storage storage, Clock clock) {
        QueryEndpoints query = new QueryEndpoints(engine, config.query().maxPointsPerSeries(), clock);
        SeriesEndpoints series = new SeriesEndpoints(storage);
        MetadataEndpoint metadata = new MetadataEndpoint(storage);
        StatusEndpoints status = new StatusEndpoints(config.status(), storage, clock);
        List<Endpoint> list = new ArrayList<>();
        list.add(exact("/api/v1/query", GET_POST, query::instant));
        list.add(exact("/api/v1/query_range", GET_POST, query::range));
        list.add(exact("/api/v1/query_exemplars", GET_POST, query::exemplars));
        list.add(exact("/api/v1/format_query", GET_POST, ExpressionEndpoints::format));
        list.add(exact("/api/v1/parse_query", GET_POST, ExpressionEndpoints::parseTree));
        list.add(exact("/api/v1/series", GET_POST, series::series));
        list.add(exact("/api/v1/labels", GET_POST, series::labelNames));
        list.add(new Endpoint("/api/v1/label/:name/values", GET, SeriesEndpoints.LABEL_PREFIX, true,
                series::labelValues));
        list.add(exact("/api/v1/metadata", GET, metadata::metadata));
        list.add(exact("/api/v1/status/buildinfo", GET, c -> status.buildInfo()));
        list.add(exact("/api/v1/status/runtimeinfo", GET, c -> status.runtimeInfo()));
        list.add(exact("/api/v1/status/flags", GET, c -> status.flags()));
        list.add(exact("/api/v1/status/config", GET, c -> status.config()));
        list.add(exact("/api/v1/status/tsdb", GET, status::tsdb));
        return list.stream().map(Cors::wrap).toList();
    }

    /** A route of another module; its handler's result is sent as it is. */
    static Endpoint adapt(Route route) {
        Set<String> methods = route.methods().stream().map(m -> m.toUpperCase(Locale.ROOT)).collect(Collectors.toSet());
        return new Endpoint(route.path() + (route.isPrefix() ? "*" : ""), methods, route.path(), route.isPrefix(),
                call -> {
                    var result = route.handler().handle(call);
                    if (result == null) {
                        throw new IllegalStateException("route " + route.path() + " returned no result");
                    }
                    return Reply.of(result);
                });
    }

    private static Endpoint exact(String path, Set<String> methods, Endpoint.Handler handler) {
        return new Endpoint(path, methods, path, false, handler);
    }
}

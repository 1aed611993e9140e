package io.sightline.server.admin;

import io.sightline.query.HttpResult;
import io.sightline.query.Route;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * {@code /-/healthy}, {@code /-/ready} and {@code /metrics}, answering as Prometheus's do: healthy
 * whenever the process serves HTTP; ready once every component has started (503 before and while
 * shutting down).
 */
public final class AdminRoutes {
    private AdminRoutes() {
    }

    public static List<Route> create(BooleanSupplier isReady, PrometheusTextReader metrics) {
        Set<String> getHead = Set.of("GET", "HEAD");
        return List.of(
                new Route(getHead, "/-/healthy", false, call -> HttpResult.text(200, "Sightline is Healthy.\n")),
                new Route(getHead, "/-/ready", false, call -> isReady.getAsBoolean()
                        ? HttpResult.text(200, "Sightline is Ready.\n")
                        : HttpResult.text(503, "Service Unavailable")),
                new Route(Set.of("GET"), "/metrics", false, call -> new HttpResult(200,
                        "text/plain; version=0.0.4; charset=utf-8", Map.of(),
                        metrics.scrape().getBytes(StandardCharsets.UTF_8))));
    }
}

package io.sightline.server.admin;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.sightline.query.HttpResult;
import io.sightline.query.Route;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /api/v1/admin/tsdb/snapshot}, answering as Prometheus's admin API does: writes a snapshot of
 * the metric store under {@code <data_dir>/snapshots/<name>} (see {@link Storage#snapshot()}) and returns
 * {@code {"status":"success","data":{"name":"<name>"}}}. Backups and the benchmark's disk comparison use it.
 */
public final class TsdbAdminRoutes {
    static final String SNAPSHOT_PATH = "/api/v1/admin/tsdb/snapshot";
    private static final Logger log = LoggerFactory.getLogger(TsdbAdminRoutes.class);

    private TsdbAdminRoutes() {
    }

    public static List<Route> create(Storage storage) {
        return List.of(new Route(Set.of("POST", "PUT"), SNAPSHOT_PATH, false, call -> {
            try {
                // The name is [0-9A-Za-z-] only (Storage#snapshot), so it needs no JSON escaping.
                return json(200, "{\"status\":\"success\",\"data\":{\"name\":\"" + storage.snapshot() + "\"}}");
            } catch (StorageException e) {
                log.error("snapshot failed", e);
                return json(500, "{\"status\":\"error\",\"errorType\":\"internal\",\"error\":"
                        + quote("create snapshot: " + e.getMessage()) + "}");
            }
        }));
    }

    private static HttpResult json(int status, String body) {
        return new HttpResult(status, "application/json", Map.of(), body.getBytes(StandardCharsets.UTF_8));
    }

    private static String quote(String s) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
    }
}

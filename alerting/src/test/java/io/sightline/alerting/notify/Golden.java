package io.sightline.alerting.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.storage.model.Labels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fixed notifications and golden-file comparison for the receiver formats. Run with {@code -Dgolden.update=true}
 * to rewrite the files after an intended format change, then review the diff.
 */
public final class Golden {
    private static final Path DIR = Path.of("src/test/resources/alerting/golden");
    private static final long T0 = 1_772_439_330_123L; // 2026-03-02T08:15:30.123Z

    private Golden() {
    }

    /** Two alerts of one group: one firing, one resolved. */
    public static Notification mixed() {
        Notification.NotifiedAlert firing = new Notification.NotifiedAlert("firing",
                Labels.of("alertname", "HighLatency", "severity", "page", "service", "checkout", "instance", "pod-1:8080",
                        "route", "/api/cart"),
                Map.of("summary", "p99 latency of checkout is 1.234s", "description", "p99 above 500ms for 5m."),
                T0, 0, "http://sightline.example:9090/graph?g0.expr=histogram_quantile%280.99%2C%20x%29&g0.tab=1",
                "3f9a1c02d4e6b781", 1.2345);
        Notification.NotifiedAlert resolved = new Notification.NotifiedAlert("resolved",
                Labels.of("alertname", "HighLatency", "severity", "page", "service", "checkout", "instance", "pod-2:8080",
                        "route", "/api/cart"),
                Map.of("summary", "p99 latency of checkout is 612ms"), T0 - 600_000, T0 - 60_000,
                "http://sightline.example:9090/graph?g0.expr=histogram_quantile%280.99%2C%20x%29&g0.tab=1",
                "a07c5e9b11d2f346", 0.612);
        return new Notification("team-checkout", "firing", List.of(firing, resolved),
                Map.of("alertname", "HighLatency", "service", "checkout"),
                Map.of("alertname", "HighLatency", "severity", "page", "service", "checkout", "route", "/api/cart"),
                Map.of(), "http://sightline.example:9090", "{}/{team=\"checkout\"}:{alertname=\"HighLatency\", service=\"checkout\"}",
                0, "new alerts added");
    }

    /** {@code count} firing alerts with long annotations, to push every format past its limits. */
    public static Notification huge(int count) {
        List<Notification.NotifiedAlert> alerts = new ArrayList<>();
        String longText = "x".repeat(5000);
        for (int i = 0; i < count; i++) {
            alerts.add(new Notification.NotifiedAlert("firing", Labels.of("alertname", "Flood", "instance", "pod-" + i),
                    Map.of("summary", "summary " + i + " " + longText, "description", longText), T0, 0,
                    "http://sightline.example:9090/graph?g0.expr=up&g0.tab=1", String.format("%016x", i), i));
        }
        return new Notification("r", "firing", alerts, Map.of("alertname", "Flood"), Map.of("alertname", "Flood"), Map.of(),
                "http://sightline.example:9090", "{}:{alertname=\"Flood\"}", 0, "first notification");
    }

    public static JsonNode json(byte[] body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts {@code body} equals the golden file {@code name}.json (as JSON, ignoring formatting). */
    public static void check(String name, byte[] body) {
        Path file = DIR.resolve(name + ".json");
        try {
            JsonNode actual = json(body);
            if (Boolean.getBoolean("golden.update")) {
                Files.createDirectories(DIR);
                Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(actual) + "\n");
            }
            assertThat(file).as("golden file %s (create with -Dgolden.update=true)", file).exists();
            assertThat(actual).isEqualTo(Json.MAPPER.readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ConfigReader reader(String yaml) {
        try {
            return new ConfigReader(new com.fasterxml.jackson.databind.ObjectMapper(
                    new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(yaml), "test", k -> null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static final Globals GLOBALS = new Globals(null, null, null, "https://api.telegram.org", null, null,
            "http://sightline.example:9090", 10_000, HttpSettings.DEFAULT, NotifyTemplates.defaults());
}

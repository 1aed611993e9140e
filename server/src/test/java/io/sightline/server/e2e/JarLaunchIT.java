package io.sightline.server.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar starts with a plain {@code java -jar} (the manifest carries the module flags Chronicle Map
 * needs), serves health and the API, logs its URLs, and stops cleanly on SIGTERM. Runs after {@code package}.
 */
class JarLaunchIT {
    @TempDir
    Path tmp;

    @Test
    void plainJavaDashJarStartsServesAndStops() throws Exception {
        Path jar = Path.of("target", "sightline.jar");
        assertThat(Files.isRegularFile(jar)).as("%s is built by the package phase", jar.toAbsolutePath()).isTrue();
        Path log = tmp.resolve("jar.log");
        try (ChildSightline child = ChildSightline.startJar(jar, tmp.resolve("data"), log)) {
            ApiClient api = new ApiClient(child.httpPort);
            assertThat(api.get("/-/healthy").status()).isEqualTo(200);
            assertThat(api.get("/-/ready").body()).isEqualTo("Sightline is Ready.\n");
            assertThat(api.single("vector(1) + 1", 1_700_000_000)).isEqualTo(2);
            assertThat(api.get("/api/v1/status/buildinfo").json().path("status").asText()).isEqualTo("success");
            // Logs and traces were never sent: their stores are not opened (LazyLogStore, LazyTraceStore).
            assertThat(tmp.resolve("data").resolve("logs")).doesNotExist();
            assertThat(tmp.resolve("data").resolve("traces")).doesNotExist();
            assertThat(child.terminate()).isIn(0, 143);
        }
        String out = Files.readString(log);
        assertThat(out).contains("started in").contains("api=http://127.0.0.1:").contains("Sightline stopped")
                .doesNotContain("Exception")
                .as("a default start warns about nothing (e.g. Chronicle's affinity without JNA, left out of the jar)")
                .doesNotContain("[WARN]");
    }
}

package io.sightline.alerting.notify;

import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the {@link Notifier} delivery tests share: a real {@link TestReceiver}, a clock the test moves by hand from
 * {@link #T0}, the notifier's self-metrics in an in-memory reader, and its config and state on a temporary directory.
 */
abstract class AbstractNotifierTest {
    static final long T0 = 1_800_000_000_000L;

    @TempDir
    Path dir;
    final TestReceiver receiver = new TestReceiver();
    final MutableClock clock = new MutableClock(T0);
    final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    final SdkMeterProvider meterProvider = SdkMeterProvider.builder().registerMetricReader(metrics).build();

    @AfterEach
    void stop() {
        receiver.close();
        meterProvider.close();
    }

    /**
     * A notifier configured from {@code alertmanagerYaml} (written to {@code dir/alertmanager.yml}), its state in
     * {@code dir/state}, retrying after 20-100 ms.
     */
    Notifier notifier(String alertmanagerYaml) throws Exception {
        Path cfg = Files.writeString(dir.resolve("alertmanager.yml"), alertmanagerYaml);
        Notifier n = new Notifier(new Notifier.Settings(dir.resolve("state"), "http://sightline:9090", 1000, 20, 100),
                clock, meterProvider.get("test"));
        n.configure(new NotifyConfigParser(k -> null, "http://sightline:9090", 5_000).parse(cfg));
        return n;
    }
}

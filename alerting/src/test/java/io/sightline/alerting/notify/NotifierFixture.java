package io.sightline.alerting.notify;

import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a {@link Notifier} test runs against: a real {@link TestReceiver}, a clock the test moves by hand, and the
 * notifier's self-metrics in an in-memory reader. Close it after each test.
 */
final class NotifierFixture implements AutoCloseable {
    final TestReceiver receiver = new TestReceiver();
    final MutableClock clock;
    final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    final SdkMeterProvider meterProvider = SdkMeterProvider.builder().registerMetricReader(metrics).build();

    NotifierFixture(long startMillis) {
        clock = new MutableClock(startMillis);
    }

    /**
     * A notifier configured from {@code alertmanagerYaml} (written to {@code dir/alertmanager.yml}), its state in
     * {@code dir/state}, retrying after 20-100 ms.
     */
    Notifier start(Path dir, String alertmanagerYaml) throws Exception {
        Path cfg = Files.writeString(dir.resolve("alertmanager.yml"), alertmanagerYaml);
        Notifier n = new Notifier(new Notifier.Settings(dir.resolve("state"), "http://sightline:9090", 1000, 20, 100),
                clock, meterProvider.get("test"));
        n.configure(new NotifyConfigParser(k -> null, "http://sightline:9090", 5_000).parse(cfg));
        return n;
    }

    @Override
    public void close() {
        receiver.close();
        meterProvider.close();
    }
}

package io.sightline.server.admin;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.sightline.storage.Appendable;
import io.sightline.storage.Appender;
import io.sightline.storage.model.Labels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Writes Sightline's own metrics into its own store every {@code self_monitoring.interval}, as series with
 * {@code job="sightline"} and {@code instance} set to the API address, so its rules (deploy/rules/sightline-self.yml)
 * and dashboards work without an external Prometheus. The same samples {@code GET /metrics} serves, one
 * batch per scrape (VictoriaMetrics' self-scraper does the same). Runs on one named daemon thread.
 */
public final class SelfScraper implements AutoCloseable {
    public static final String JOB = "sightline";
    private static final Logger log = LoggerFactory.getLogger(SelfScraper.class);

    private final PrometheusTextReader reader;
    private final Appendable store;
    private final String instance;
    private final LongSupplier clockMillis;
    private final ScheduledExecutorService timer;
    private long failures;

    private SelfScraper(PrometheusTextReader reader, Appendable store, String instance, LongSupplier clockMillis,
                        ScheduledExecutorService timer) {
        this.reader = reader;
        this.store = store;
        this.instance = instance;
        this.clockMillis = clockMillis;
        this.timer = timer;
    }

    /** Scrapes once at once, then every {@code intervalMillis}. */
    public static SelfScraper start(PrometheusTextReader reader, Appendable store, String instance, long intervalMillis) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sightline-self-scrape");
            t.setDaemon(true);
            return t;
        });
        SelfScraper s = new SelfScraper(reader, store, instance, System::currentTimeMillis, timer);
        timer.scheduleWithFixedDelay(s::scrapeLogged, 0, intervalMillis, TimeUnit.MILLISECONDS);
        return s;
    }

    private void scrapeLogged() {
        try {
            scrape();
            failures = 0;
        } catch (RuntimeException e) {
            // WARN on the first failure of a run only: a full disk would otherwise log every interval.
            if (failures++ == 0) {
                log.warn("self-monitoring scrape failed; Sightline's own series have a gap [job={}]", JOB, e);
            }
        }
    }

    /** One scrape: every sample at the same timestamp, committed as one batch. Returns the samples written. */
    int scrape() {
        long now = clockMillis.getAsLong();
        Appender appender = store.appender();
        int[] written = {0};
        try {
            reader.collect(new PrometheusTextReader.SampleVisitor() {
                @Override
                public void family(String name, String type, String help) {
                }

                @Override
                public void sample(String name, Attributes attrs, String le, double value) {
                    if (appender.append(Appender.NO_REF, labels(name, attrs, le), now, value) > 0) {
                        written[0]++;
                    }
                }
            });
            appender.commit();
        } catch (RuntimeException e) {
            appender.rollback();
            throw e;
        }
        return written[0];
    }

    private Labels labels(String name, Attributes attrs, String le) {
        Labels.Builder b = Labels.builder().set(Labels.METRIC_NAME, name).set("job", JOB).set("instance", instance);
        for (Map.Entry<AttributeKey<?>, Object> e : attrs.asMap().entrySet()) {
            b.set(PrometheusTextReader.sanitize(e.getKey().getKey()), String.valueOf(e.getValue()));
        }
        if (le != null) {
            b.set("le", le);
        }
        return b.build();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.sightline.alerting.rule;

import io.sightline.alerting.state.AlertState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.sightline.alerting.rule.RuleTestSupport.with;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/rules/sightline-self.yml fires on Sightline's own metrics as the Collector scrapes them back
 * (job="sightline"): a Sightline rejecting 5% of its samples whose only receiver fails, and stays quiet about
 * what is healthy (WAL fsyncs completing, queries not timing out).
 */
class SightlineSelfRulesTest {
    private static final long T0 = 1_800_000_000_000L;
    private static final String[] SELF = {"job", "sightline", "instance", "sightline:9090"};

    @TempDir
    Path dir;

    private static Path selfRules() {
        return RuleTestSupport.deployRules().resolve("sightline-self.yml");
    }

    @Test
    void rejectionAndNotificationAlertsFireForAnUnhealthySightlineAndTheWatchdogAlways() {
        try (RuleTestSupport s = new RuleTestSupport(dir)) {
            s.manager.load(List.of(selfRules().toString()));
            double accepted = 0;
            double rejected = 0;
            double failed = 0;
            double fsyncs = 0;
            double appended = 0;
            // 30 minutes at 15 s scrapes: 950 samples/s accepted, 50/s rejected as too old; every notification fails.
            for (long t = T0; t <= T0 + 1_800_000; t += 15_000) {
                accepted += 950 * 15;
                rejected += 50 * 15;
                failed += 2;
                fsyncs += 15;
                appended += 950 * 15;
                s.write("sightline_ingest_samples_accepted_total", t, accepted, SELF);
                s.write("sightline_ingest_samples_rejected_total", t, rejected, with(SELF, "reason", "storage_too_old"));
                s.write("sightline_alerting_notifications_failed_total", t, failed,
                        with(with(SELF, "receiver", "oncall"), "integration", "oncall/slack/0"));
                s.write("sightline_storage_samples_appended_total", t, appended, SELF);
                s.write("sightline_storage_wal_fsync_duration_seconds_count", t, fsyncs, SELF);
                s.write("sightline_ingest_requests_total", t, accepted / 100, with(with(SELF, "protocol", "grpc"), "status", "OK"));
                s.evaluateAll(t);
            }
            Map<String, AlertState> states = s.alertStatesOfHealthyRules();
            assertThat(states).containsEntry("SightlineWatchdog", AlertState.FIRING)
                    .containsEntry("SightlineIngestRejectingSamples", AlertState.FIRING)
                    .containsEntry("SightlineNotificationsFailing", AlertState.FIRING)
                    .containsEntry("SightlineWalFsyncStalled", AlertState.INACTIVE)
                    .containsEntry("SightlineIngestFailing", AlertState.INACTIVE)
                    .containsEntry("SightlineIngestOverloaded", AlertState.INACTIVE)
                    .containsEntry("SightlineQueryTimeouts", AlertState.INACTIVE);
        }
    }

    @Test
    void walFsyncStalledFiresWhenSamplesArriveButNoFsyncCompletes() {
        try (RuleTestSupport s = new RuleTestSupport(dir)) {
            s.manager.load(List.of(selfRules().toString()));
            double appended = 0;
            for (long t = T0; t <= T0 + 1_200_000; t += 15_000) {
                appended += 1000 * 15;
                s.write("sightline_storage_samples_appended_total", t, appended, SELF);
                s.write("sightline_storage_wal_fsync_duration_seconds_count", t, 42, SELF); // stuck
                s.evaluateAll(t);
            }
            assertThat(s.alertStatesOfHealthyRules()).containsEntry("SightlineWalFsyncStalled", AlertState.FIRING);
        }
    }

    @Test
    void compactionFailingFiresOnlyForTheKindWhoseFailuresRise() {
        try (RuleTestSupport s = new RuleTestSupport(dir)) {
            s.manager.load(List.of(selfRules().toString()));
            double failures = 0;
            for (long t = T0; t <= T0 + 1_200_000; t += 15_000) {
                failures += t % 60_000 == 0 ? 1 : 0; // a head cut fails about once a minute
                String[] cut = with(with(SELF, "kind", "head_cut"), "result", "failure");
                s.write("sightline_storage_compactions_total", t, failures, cut);
                s.write("sightline_storage_compactions_total", t, 0, with(with(SELF, "kind", "merge"), "result", "failure"));
                s.evaluateAll(t);
            }
            assertThat(s.alertStatesOfHealthyRules()).containsEntry("SightlineCompactionFailing", AlertState.FIRING);
            assertThat(s.query("ALERTS{alertname=\"SightlineCompactionFailing\",alertstate=\"firing\"}", T0 + 1_200_000))
                    .extracting(x -> x.labels().get("kind")).containsExactly("head_cut");
        }
    }

    @Test
    void headChunkWritesFailingFiresWhileFailuresRiseAndNotForAHealthyInstance() {
        try (RuleTestSupport s = new RuleTestSupport(dir)) {
            s.manager.load(List.of(selfRules().toString()));
            String[] healthy = {"job", "sightline", "instance", "sightline-b:9090"};
            double failures = 0;
            for (long t = T0; t <= T0 + 1_800_000; t += 15_000) {
                failures += t % 30_000 == 0 ? 1 : 0; // a pause of 10 s, then the next write fails too (a full disk)
                s.write("sightline_storage_head_chunk_write_failures_total", t, failures, SELF);
                s.write("sightline_storage_head_chunk_write_failures_total", t, 0, healthy);
                s.evaluateAll(t);
            }
            assertThat(s.alertStatesOfHealthyRules()).containsEntry("SightlineHeadChunkWritesFailing", AlertState.FIRING);
            assertThat(s.query("ALERTS{alertname=\"SightlineHeadChunkWritesFailing\",alertstate=\"firing\"}", T0 + 1_800_000))
                    .extracting(x -> x.labels().get("instance")).containsExactly("sightline:9090");
        }
    }

    @Test
    void connectionsRefusedFiresForTheOtlpPortWhoseRefusalsKeepRising() {
        try (RuleTestSupport s = new RuleTestSupport(dir)) {
            s.manager.load(List.of(selfRules().toString()));
            double refused = 0;
            for (long t = T0; t <= T0 + 1_800_000; t += 15_000) {
                refused += 3; // a client leaking connections on the gRPC port; none refused on HTTP
                s.write("sightline_ingest_connections_refused_total", t, refused, with(SELF, "protocol", "grpc"));
                s.write("sightline_ingest_connections_refused_total", t, 0, with(SELF, "protocol", "http"));
                s.evaluateAll(t);
            }
            assertThat(s.alertStatesOfHealthyRules()).containsEntry("SightlineIngestConnectionsRefused", AlertState.FIRING);
            assertThat(s.query("ALERTS{alertname=\"SightlineIngestConnectionsRefused\",alertstate=\"firing\"}", T0 + 1_800_000))
                    .extracting(x -> x.labels().get("protocol")).containsExactly("grpc");
        }
    }
}

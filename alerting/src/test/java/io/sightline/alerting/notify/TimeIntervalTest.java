package io.sightline.alerting.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.opentelemetry.api.OpenTelemetry;
import io.sightline.alerting.state.Alert;
import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@code time_intervals} with {@code mute_time_intervals} and {@code active_time_intervals} on routes. */
class TimeIntervalTest {
    /** Friday 2027-01-15 08:00 UTC. */
    private static final long T0 = 1_800_000_000_000L;

    @TempDir
    Path dir;

    private static TimeInterval interval(String yaml) throws Exception {
        JsonNode n = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        return TimeInterval.parse(n, "t");
    }

    private static boolean at(TimeInterval t, String instant) {
        return t.contains(Instant.parse(instant));
    }

    @Test
    void matchesTimesWeekdaysDaysMonthsAndYearsAsAlertmanagerDefinesThem() throws Exception {
        TimeInterval office = interval("""
                times: [{start_time: '09:00', end_time: '17:00'}]
                weekdays: ['monday:friday']
                """);
        assertThat(at(office, "2027-01-15T09:00:00Z")).isTrue();
        assertThat(at(office, "2027-01-15T16:59:59Z")).isTrue();
        assertThat(at(office, "2027-01-15T17:00:00Z")).isFalse(); // end is exclusive
        assertThat(at(office, "2027-01-16T10:00:00Z")).isFalse(); // Saturday
        TimeInterval monthEnd = interval("days_of_month: ['-3:-1']\nmonths: ['january', '3']\nyears: ['2027:2028']");
        assertThat(at(monthEnd, "2027-01-29T00:00:00Z")).isTrue();
        assertThat(at(monthEnd, "2027-01-28T23:59:00Z")).isFalse();
        assertThat(at(monthEnd, "2027-02-27T12:00:00Z")).isFalse();
        assertThat(at(monthEnd, "2029-01-30T12:00:00Z")).isFalse();
        TimeInterval sydney = interval("times: [{start_time: '09:00', end_time: '10:00'}]\nlocation: Australia/Sydney");
        assertThat(at(sydney, "2027-01-14T22:30:00Z")).isTrue(); // 09:30 in Sydney (UTC+11 in January)
    }

    @Test
    void badSpecsFailNamingTheField() {
        assertThatThrownBy(() -> interval("times: [{start_time: '17:00', end_time: '09:00'}]"))
                .hasMessage("t.times[0]: start_time cannot be equal or greater than end_time");
        assertThatThrownBy(() -> interval("weekdays: [funday]")).hasMessageContaining("t.weekdays[0]: funday is not a valid");
        assertThatThrownBy(() -> interval("location: Mars/Olympus")).hasMessageContaining("t.location: unknown time zone Mars/Olympus");
        assertThatThrownBy(() -> interval("days_of_month: ['5:2']")).hasMessageContaining("t.days_of_month[0]: start 5 is after end 2");
    }

    private static final String CONFIG = """
            time_intervals:
              - name: morning
                time_intervals: [{times: [{start_time: '07:00', end_time: '08:30'}]}]
            mute_time_intervals:
              - name: weekend
                time_intervals: [{weekdays: [saturday, sunday]}]
            route:
              receiver: none
              group_wait: 0s
              group_interval: 1m
              routes:
                - receiver: muted
                  matchers: [team=a]
                  mute_time_intervals: [morning, weekend]
                - receiver: active
                  matchers: [team=b]
                  active_time_intervals: [morning]
            receivers:
              - name: none
              - name: muted
                webhook_configs: [{url: URL/muted}]
              - name: active
                webhook_configs: [{url: URL/active}]
            """;

    @Test
    void muteIntervalsSilenceARouteAndActiveIntervalsEnableIt() throws Exception {
        MutableClock clock = new MutableClock(T0); // 08:00: inside "morning"
        try (TestReceiver receiver = new TestReceiver();
             Notifier n = new Notifier(new Notifier.Settings(dir.resolve("s"), "http://s:9090", 1000, 10, 50), clock,
                     OpenTelemetry.noop().getMeter("t"))) {
            Path f = Files.writeString(dir.resolve("am.yml"), CONFIG.replace("URL", receiver.url("")));
            n.configure(new NotifyConfigParser(k -> null, "http://s:9090", 5_000).parse(f));
            n.send(List.of(new Alert(Labels.of("alertname", "A", "team", "a"), Map.of(), T0, T0 + 3_600_000, "", 1),
                    new Alert(Labels.of("alertname", "B", "team", "b"), Map.of(), T0, T0 + 3_600_000, "", 1)));
            n.tick();
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.delivered().size() == 1);
            assertThat(receiver.delivered().getFirst().path()).isEqualTo("/active");
            clock.advance(3_600_000); // 09:00: the mute is over, the active route is no longer active
            n.send(List.of(new Alert(Labels.of("alertname", "A", "team", "a"), Map.of(), T0, T0 + 7_200_000, "", 1)));
            n.tick();
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.delivered().size() == 2);
            assertThat(receiver.delivered().get(1).path()).isEqualTo("/muted");
            assertThat(Json.MAPPER.readTree(receiver.delivered().get(1).body()).path("notification_reason").asText())
                    .isEqualTo("first notification");
        }
    }

    @Test
    void undefinedOrRootIntervalsStopTheLoad() throws Exception {
        Path f = Files.writeString(dir.resolve("am.yml"), CONFIG.replace("URL", "http://h").replace("[morning, weekend]", "[nights]"));
        assertThatThrownBy(() -> new NotifyConfigParser(k -> null, "", 5_000).parse(f))
                .hasMessageContaining("route.routes[0]: undefined time interval \"nights\" used in route");
        Files.writeString(f, CONFIG.replace("URL", "http://h").replace("  receiver: none\n", "  receiver: none\n  mute_time_intervals: [morning]\n"));
        assertThatThrownBy(() -> new NotifyConfigParser(k -> null, "", 5_000).parse(f))
                .hasMessageContaining("route: root route must not have any mute time intervals");
    }
}

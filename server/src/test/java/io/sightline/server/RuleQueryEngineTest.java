package io.sightline.server;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.query.LogQueryConfig;
import io.sightline.query.LogQueryEngine;
import io.sightline.query.QueryConfig;
import io.sightline.query.QueryEngine;
import io.sightline.query.QueryEngines;
import io.sightline.query.QueryException;
import io.sightline.query.QueryOptions;
import io.sightline.query.Value;
import io.sightline.storage.Appender;
import io.sightline.storage.LogAppender;
import io.sightline.storage.LogStore;
import io.sightline.storage.LogStoreConfig;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A rule expression is PromQL unless only LogQL parses it; both return the same Value types. */
class RuleQueryEngineTest {
    @TempDir
    Path dir;

    @Test
    void anErrorLogRatePerServiceEvaluatesThroughTheSameEngineInterfaceAsPromql() {
        long now = System.currentTimeMillis();
        try (Storage storage = Storage.open(StorageConfig.defaults(dir.resolve("m")), OpenTelemetry.noop().getMeter("t"));
             LogStore logs = LogStore.open(LogStoreConfig.defaults(dir.resolve("logs")), OpenTelemetry.noop().getMeter("t"))) {
            Appender a = storage.appender();
            a.append(Appender.NO_REF, Labels.of("__name__", "up", "job", "api"), now - 1000, 1);
            a.commit();
            LogAppender la = logs.appender();
            for (int i = 0; i < 30; i++) {
                la.append(LogRecord.line(Labels.of("service_name", i % 3 == 0 ? "db" : "api"), (now - 60_000 + i * 1000L) * 1_000_000L,
                        i % 2 == 0 ? "level=error msg=\"payment failed\"" : "level=info msg=ok"));
            }
            la.commit();
            QueryEngine engine = new RuleQueryEngine(QueryEngines.promql(storage, QueryConfig.defaults(), OpenTelemetry.noop().getMeter("q")),
                    LogQueryEngine.create(logs, LogQueryConfig.defaults()));

            Value promql = engine.instantQuery("sum(up)", now, QueryOptions.DEFAULT).value();
            assertThat(((Value.Vector) promql).samples().getFirst().value()).isEqualTo(1);

            Value errors = engine.instantQuery("sum by (service_name) (count_over_time({service_name=~\"api|db\"} | logfmt | level=\"error\" [5m])) > 5",
                    now, QueryOptions.DEFAULT).value();
            assertThat(((Value.Vector) errors).samples()).extracting(Value.Sample::labels, Value.Sample::value)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(Labels.of("service_name", "api"), 10.0));

            assertThatThrownBy(() -> engine.instantQuery("sum(up", now, QueryOptions.DEFAULT))
                    .isInstanceOf(QueryException.class).hasMessageNotContaining("LogQL");
            assertThatThrownBy(() -> engine.instantQuery("{service_name=\"api\"} |= \"x\"", now, QueryOptions.DEFAULT))
                    .hasMessageContaining("a log query cannot be a rule expression");

            // Loading a rule file only parses: PromQL and LogQL metric queries pass, the rest fail as evaluation would.
            engine.check("sum(rate(http_requests_total[5m])) > 1");
            engine.check("sum by (service_name) (count_over_time({service_name=\"api\"} |= \"error\" [5m])) > 5");
            assertThatThrownBy(() -> engine.check("sum(up"))
                    .isInstanceOf(QueryException.class).hasMessageContaining("1:7: parse error").hasMessageNotContaining("LogQL");
            assertThatThrownBy(() -> engine.check("{service_name=\"api\"} |= \"x\""))
                    .hasMessageContaining("a log query cannot be a rule expression");
        }
    }
}

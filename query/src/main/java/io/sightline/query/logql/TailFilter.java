package io.sightline.query.logql;

import io.sightline.query.LogQueryResult;
import io.sightline.query.LogTail;
import io.sightline.storage.model.LogRecord;
import io.sightline.storage.model.Matcher;

import java.util.List;

/** {@link LogTail} over one log selector: stream matchers on each record's stream labels, then the pipeline. */
final class TailFilter implements LogTail {
    private final List<Matcher> matchers;
    private final Pipeline pipeline;
    private final LogLine line = new LogLine();

    TailFilter(Expr.LogSelector selector) {
        this.matchers = selector.matchers();
        this.pipeline = Pipeline.compile(selector.stages());
    }

    @Override
    public List<LogQueryResult.Stream> apply(List<LogRecord> records) {
        StreamGrouper grouper = new StreamGrouper();
        for (LogRecord r : records) {
            if (!matches(r)) {
                continue;
            }
            line.reset(r);
            if (pipeline.process(line)) {
                grouper.add(line);
            }
        }
        return grouper.streams();
    }

    private boolean matches(LogRecord r) {
        for (Matcher m : matchers) {
            String v = r.stream().get(m.name());
            if (!m.matches(v == null ? "" : v)) {
                return false;
            }
        }
        return true;
    }
}

package io.sightline.alerting.rule;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Owns the running rule groups. {@link #load} validates every file first and swaps only when all are good, so a
 * bad reload keeps the old rules running. Unchanged rules keep their alert state across a reload. Thread-safe:
 * loads are serialised; readers see an immutable list.
 */
public final class RuleManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RuleManager.class);

    private final RuleFileParser parser;
    private final EvalContext ctx;
    private final Clock clock;
    private final boolean shouldStartThreads;
    private final Object loadLock = new Object();
    private volatile List<RuleGroup> groups = List.of();
    private boolean isFirstLoad = true;

    /** @param shouldStartThreads false in tests that drive {@link RuleGroup#evaluate(long)} themselves */
    public RuleManager(RuleFileParser parser, EvalContext ctx, Clock clock, boolean shouldStartThreads) {
        this.parser = parser;
        this.ctx = ctx;
        this.clock = clock;
        this.shouldStartThreads = shouldStartThreads;
    }

    /**
     * Loads the files matching {@code patterns} and replaces the running groups.
     *
     * @throws RuleLoadException listing every error; the running groups are then left unchanged
     */
    public void load(List<String> patterns) {
        synchronized (loadLock) {
            List<Path> files = RuleFiles.expand(patterns);
            List<GroupSpec> specs = parser.parseAll(files);
            Map<String, RuleGroup> old = new HashMap<>();
            for (RuleGroup g : groups) {
                old.put(g.spec().key(), g);
            }
            List<RuleGroup> next = new ArrayList<>();
            for (GroupSpec s : specs) {
                RuleGroup g = new RuleGroup(s, ctx, isFirstLoad);
                RuleGroup prev = old.remove(s.key());
                if (prev != null) {
                    prev.close(); // stop first so the state it hands over is final
                    g.inheritFrom(prev);
                }
                next.add(g);
            }
            for (RuleGroup gone : old.values()) {
                gone.close();
                gone.markStale(clock.millis());
            }
            groups = List.copyOf(next);
            isFirstLoad = false;
            if (shouldStartThreads) {
                for (RuleGroup g : next) {
                    g.start(clock);
                }
            }
            log.info("loaded rules [files={}, groups={}, rules={}]", files.size(), next.size(),
                    next.stream().mapToInt(g -> g.rules().size()).sum());
        }
    }

    public List<RuleGroup> groups() {
        return groups;
    }

    @Override
    public void close() {
        synchronized (loadLock) {
            for (RuleGroup g : groups) {
                g.close();
            }
            groups = List.of();
        }
    }
}

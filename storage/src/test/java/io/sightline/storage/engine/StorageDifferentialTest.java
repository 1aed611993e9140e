package io.sightline.storage.engine;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.Appender;
import io.sightline.storage.Querier;
import io.sightline.storage.RejectReason;
import io.sightline.storage.SampleIterator;
import io.sightline.storage.SeriesSet;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;
import io.sightline.storage.model.StaleMarker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random appends (in order, out of order within and beyond the window, duplicates, NaN, stale
 * markers, infinities) checked against a plain in-memory model, in every state of the store: head, after
 * the cut policy, after moving everything to blocks and compacting, after a restart. Replay a failure with
 * {@code -Dseed=<seed printed in the message>}.
 */
class StorageDifferentialTest {
    private static final long HOUR = 3_600_000;
    private static final long WINDOW = 10 * 60_000;
    private static final int SERIES = 20;
    private static final int BATCHES = 400;

    @TempDir
    Path dir;

    @Test
    void storeAgreesWithASimpleModelInEveryState() {
        // A fixed default keeps CI deterministic; -Dseed=<n> explores (or replays) another.
        long seed = Long.getLong("seed", 20261126L);
        System.out.println("StorageDifferentialTest seed " + seed + " (replay with -Dseed=" + seed + ")");
        SplittableRandom random = new SplittableRandom(seed);
        StorageConfig config = new StorageConfig(dir, 2 * HOUR, 1_000 * HOUR, WalSyncMode.NEVER, 1_000, 1 << 20, WINDOW, 1_000);
        List<TreeMap<Long, Double>> model = new ArrayList<>();
        for (int i = 0; i < SERIES; i++) {
            model.add(new TreeMap<>());
        }
        String context = "seed " + seed;
        StorageEngine s = open(config);
        try {
            long now = 0;
            for (int b = 0; b < BATCHES; b++) {
                Appender a = s.appender();
                for (int run = 0; run < 5; run++) {
                    int i = random.nextInt(SERIES);
                    long ref = Appender.NO_REF;
                    for (int k = 0; k < 1 + random.nextInt(4); k++) {
                        long t = nextTime(random, now, model.get(i));
                        double v = nextValue(random, model.get(i), t);
                        long r = a.append(ref, labels(i), t, v);
                        boolean isAccepted = accept(model.get(i), t, v);
                        if (r < 0) {
                            assertThat(isAccepted).as("%s: storage refused %s=%s with %s, the model accepts it",
                                    context, t, v, RejectReason.ofCode(r)).isFalse();
                        } else {
                            ref = r;
                        }
                    }
                }
                a.commit();
                now += 15_000 + random.nextInt(30_000);
            }
            check(s, model, context + ", head");
            s.cutBlocks();
            check(s, model, context + ", after the cut policy");
            s.close();
            s = open(config);
            check(s, model, context + ", after restart");
            s.flushHead();
            s.compactBlocks();
            check(s, model, context + ", all in compacted blocks");
            s.close();
            s = open(config);
            check(s, model, context + ", blocks after restart");
        } finally {
            s.close();
        }
    }

    private static StorageEngine open(StorageConfig config) {
        return StorageEngine.open(config, OpenTelemetry.noop().getMeter("test"), DefaultFileFacade.INSTANCE, false);
    }

    private static Labels labels(int i) {
        return Labels.of("__name__", "d", "i", Integer.toString(i));
    }

    /** Mostly the present, sometimes within the window behind, sometimes beyond it, sometimes a repeat. */
    private static long nextTime(SplittableRandom random, long now, TreeMap<Long, Double> series) {
        int kind = random.nextInt(10);
        if (kind == 0 && !series.isEmpty()) {
            return series.lastKey() - random.nextLong(WINDOW);
        }
        if (kind == 1 && !series.isEmpty()) {
            return series.lastKey() - WINDOW - 1 - random.nextLong(WINDOW);
        }
        if (kind == 2 && !series.isEmpty()) {
            return series.lastKey();
        }
        return now + random.nextInt(15_000);
    }

    private static double nextValue(SplittableRandom random, TreeMap<Long, Double> series, long t) {
        return switch (random.nextInt(20)) {
            case 0 -> Double.NaN;
            case 1 -> StaleMarker.VALUE;
            case 2 -> Double.POSITIVE_INFINITY;
            case 3, 4 -> series.getOrDefault(t, 1.0); // a repeat of what is there, when anything is
            default -> random.nextInt(1_000) / 10.0;
        };
    }

    /** The model's rules: newer is stored; equal time must repeat the value; older only inside the window. */
    private static boolean accept(TreeMap<Long, Double> series, long t, double v) {
        if (!series.isEmpty() && t < series.lastKey() - WINDOW) {
            return false;
        }
        Double existing = series.get(t);
        if (existing != null) {
            return false; // an exact repeat is accepted by the store but changes nothing
        }
        series.put(t, v);
        return true;
    }

    private static void check(StorageEngine s, List<TreeMap<Long, Double>> model, String context) {
        try (Querier q = s.querier(Long.MIN_VALUE / 2, Long.MAX_VALUE / 2)) {
            SeriesSet set = q.select(true, Matcher.eq("__name__", "d"));
            int seen = 0;
            SampleIterator it = null;
            while (set.next()) {
                int i = Integer.parseInt(set.at().labels().get("i"));
                it = set.at().iterator(it);
                List<String> actual = new ArrayList<>();
                while (it.next()) {
                    actual.add(it.timestamp() + "=" + Double.doubleToRawLongBits(it.value()));
                }
                List<String> expected = new ArrayList<>();
                for (Map.Entry<Long, Double> e : model.get(i).entrySet()) {
                    expected.add(e.getKey() + "=" + Double.doubleToRawLongBits(e.getValue()));
                }
                assertThat(actual).as("%s, series %d", context, i).isEqualTo(expected);
                seen++;
            }
            assertThat(seen).as(context).isEqualTo((int) model.stream().filter(m -> !m.isEmpty()).count());
        }
    }
}

package io.sightline.storage.engine;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.Querier;
import io.sightline.storage.SampleIterator;
import io.sightline.storage.SeriesSet;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.model.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 while blocks are cut and compacted: a child JVM ({@link CompactionCrashChild}) appends and compacts
 * in a loop and is killed at a random moment just after a compaction pass started, several times over the same
 * data directory; after each kill the store opens consistent (no half-written or superseded block left) and
 * holds every acknowledged sample exactly once, in order.
 */
class CompactionCrashIT {
    private static final int KILLS = 4;
    /** Steps appended before the kill may come: enough for a few blocks (120 steps each) to be compacted. */
    private static final long MIN_STEPS_PER_RUN = 400;

    @TempDir
    Path dir;

    @Test
    void killDuringCompactionLosesNoAcknowledgedSampleAndLeavesNoOverlappingBlocks() throws Exception {
        Path data = dir.resolve("data");
        long seed = Long.getLong("seed", 4242L);
        System.out.println("CompactionCrashIT seed=" + seed + " (rerun with -Dseed=" + seed + ")");
        Random random = new Random(seed);
        long acked = -1;
        int compactionsSeen = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            Process child = start(data, acked + 1);
            long runStart = acked + 1;
            boolean isKilled = false;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("ACK ")) {
                        acked = Math.max(acked, Long.parseLong(line.substring(4)));
                    } else if (line.equals("COMPACTING") && !isKilled && acked - runStart >= MIN_STEPS_PER_RUN) {
                        compactionsSeen++;
                        Thread.sleep(random.nextInt(40));
                        // kill -9 from outside: Process.destroyForcibly would also close the pipe this loop
                        // reads, losing ACK lines the child wrote just before it died.
                        assertThat(new ProcessBuilder("kill", "-9", Long.toString(child.pid())).inheritIO().start()
                                .waitFor()).isZero();
                        isKilled = true;
                    } else if (!line.equals("COMPACTING")) {
                        System.out.println("child: " + line);
                    }
                }
            }
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(isKilled).as("the child stopped by itself (see its output above)").isTrue();
            assertThat(acked).isGreaterThanOrEqualTo(runStart + MIN_STEPS_PER_RUN);
            verify(data, acked);
        }
        assertThat(compactionsSeen).isEqualTo(KILLS);
    }

    /** Opens the store as a restart does and checks every step up to {@code acked} of every series, once each. */
    private void verify(Path data, long acked) throws IOException {
        try (StorageEngine s = StorageEngine.open(CompactionCrashChild.config(data), OpenTelemetry.noop().getMeter("t"),
                DefaultFileFacade.INSTANCE, false)) {
            try (Stream<Path> blocks = Files.list(data.resolve("metrics"))) {
                assertThat(blocks.map(p -> p.getFileName().toString()))
                        .noneMatch(n -> n.endsWith(".tmp") || n.endsWith(".deleting"));
            }
            try (Querier q = s.querier(0, (acked + 1) * CompactionCrashChild.STEP_MILLIS)) {
                SeriesSet set = q.select(true, Matcher.eq("__name__", "crash_test"));
                SampleIterator it = null;
                int series = 0;
                while (set.next()) {
                    int id = Integer.parseInt(set.at().labels().get("series"));
                    it = set.at().iterator(it);
                    long step = 0;
                    while (it.next()) {
                        if (step <= acked) {
                            assertThat(it.timestamp()).as("series %d", id).isEqualTo(step * CompactionCrashChild.STEP_MILLIS);
                            assertThat(it.value()).isEqualTo(CompactionCrashChild.value(id, step));
                        }
                        step++;
                    }
                    assertThat(step).as("samples of series %d (acknowledged up to step %d)", id, acked).isGreaterThan(acked);
                    series++;
                }
                assertThat(series).isEqualTo(CompactionCrashChild.SERIES);
            }
        }
    }

    private static Process start(Path data, long firstStep) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc")
                    || arg.startsWith("-Dchronicle.")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), CompactionCrashChild.class.getName(),
                data.toString(), Long.toString(firstStep)));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }
}

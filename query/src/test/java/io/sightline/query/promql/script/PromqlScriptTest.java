package io.sightline.query.promql.script;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs Prometheus's own PromQL test scripts (shared/reference/promql-tests/*.test) through the real storage and
 * our engine, one dynamic test per script. A script fails on any eval that fails and is not listed in
 * {@code promql/known-failing.txt}, and on any listed eval that now passes (so the list stays honest).
 */
class PromqlScriptTest {
    private static final String KNOWN_FAILING = "/promql/known-failing.txt";

    @TempDir
    static Path tmp;

    private static final Map<String, int[]> TOTALS = new LinkedHashMap<>();

    @TestFactory
    Stream<DynamicTest> prometheusScripts() throws IOException {
        Path dir = scriptDir();
        Map<String, String> known = knownFailing();
        List<Path> files = new ArrayList<>(scripts(dir));
        files.addAll(scripts(ownScriptDir()));
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : files) {
            tests.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> runScript(f, known)));
        }
        tests.add(DynamicTest.dynamicTest("totals", PromqlScriptTest::printTotals));
        return tests.stream();
    }

    private static void runScript(Path file, Map<String, String> known) throws IOException {
        Script script = Script.read(file);
        Path work = Files.createTempDirectory(tmp, script.name());
        List<ScriptRunner.CaseResult> results = new ScriptRunner(work, SkipList.standard()).run(script);
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        List<String> unexpected = new ArrayList<>();
        List<String> nowPassing = new ArrayList<>();
        for (ScriptRunner.CaseResult r : results) {
            switch (r.outcome()) {
                case PASSED -> {
                    passed++;
                    if (known.containsKey(r.id())) {
                        nowPassing.add(r.id() + " passes now; remove it from " + KNOWN_FAILING);
                    }
                }
                case FAILED -> {
                    failed++;
                    if (!known.containsKey(r.id())) {
                        unexpected.add(r.id() + ": " + r.detail());
                    }
                }
                case SKIPPED -> skipped++;
            }
        }
        TOTALS.put(script.name(), new int[]{passed, failed, skipped});
        System.out.printf("promql script %-28s passed=%d failed=%d (known %d) skipped=%d%n", script.name(), passed,
                failed, failed - unexpected.size(), skipped);
        // The skip list in the output, as the issue asks: how many evals each reason skipped.
        Map<String, Integer> skipReasons = new java.util.TreeMap<>();
        for (ScriptRunner.CaseResult r : results) {
            if (r.outcome() == ScriptRunner.Outcome.SKIPPED) {
                skipReasons.merge(r.detail(), 1, Integer::sum);
            }
        }
        skipReasons.forEach((reason, n) -> System.out.printf("  skipped %d: %s%n", n, reason));
        for (ScriptRunner.CaseResult r : results) {
            if (r.outcome() == ScriptRunner.Outcome.FAILED && System.getProperty("promql.verbose") != null) {
                System.out.println("  FAIL " + r.id() + ": " + r.detail());
            }
        }
        assertThat(unexpected).as("evals failing outside " + KNOWN_FAILING).isEmpty();
        assertThat(nowPassing).as("known failures that pass now").isEmpty();
    }

    private static void printTotals() {
        int[] t = new int[3];
        for (int[] v : TOTALS.values()) {
            for (int i = 0; i < 3; i++) {
                t[i] += v[i];
            }
        }
        System.out.printf("promql scripts total: passed=%d failed=%d (all known) skipped=%d%n", t[0], t[1], t[2]);
        assertThat(TOTALS).isNotEmpty();
    }

    private static List<Path> scripts(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".test")).sorted().toList();
        }
    }

    /** Our own cases in the same format: src/test/resources/promql/*.test. */
    private static Path ownScriptDir() {
        try {
            return Path.of(PromqlScriptTest.class.getResource("/promql/").toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code id -> reason}; lines are {@code file.test:LINE reason}. */
    private static Map<String, String> knownFailing() throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        try (InputStream in = PromqlScriptTest.class.getResourceAsStream(KNOWN_FAILING)) {
            if (in == null) {
                return m;
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                line = line.trim();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int sp = line.indexOf(' ');
                m.put(sp < 0 ? line : line.substring(0, sp), sp < 0 ? "" : line.substring(sp + 1).trim());
            }
        }
        return m;
    }

    /** Walks up from the module directory until a {@code shared/reference/promql-tests} sibling exists. */
    static Path scriptDir() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path c = p.resolve("shared/reference/promql-tests");
            if (Files.isDirectory(c)) {
                return c;
            }
            p = p.getParent();
        }
        throw new IllegalStateException("shared/reference/promql-tests not found above " + Path.of("").toAbsolutePath());
    }
}

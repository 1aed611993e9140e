package io.sightline.bench.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks of the load generator's soak mode ({@code --duration}): with {@code --pid}, the target process's RSS
 * must stay bounded (the highest RSS of the second half of the run at most {@link #MAX_RSS_GROWTH} times the
 * highest of the first half: the head fills during the first minutes, then blocks are cut and RSS should level
 * off); with {@code --verify-url}, every acknowledged sample must be queryable at the end
 * ({@code count_over_time} of every {@code process_cpu_seconds_total} series equals the rounds sent). Prints one
 * {@code SOAK} line with the figures and the verdict.
 */
final class SoakCheck {
    /** Soak rounds start this long before the end time, so that they can run faster than real time for a day. */
    static final long BACKDATE_MILLIS = 24 * 3_600_000L;
    static final double MAX_RSS_GROWTH = 1.25;
    private static final Pattern VALUE = Pattern.compile("\"value\":\\[[-0-9.e+]+,\"([^\"]+)\"]");

    private final long pid;
    private final String verifyUrl;
    private final long startMillis;
    private final List<double[]> rss = new ArrayList<>(); // {elapsed seconds, RSS KiB}
    private double lastRssAt = -1;
    private boolean isPassed = true;

    SoakCheck(long pid, String verifyUrl, long startMillis) {
        this.pid = pid;
        this.verifyUrl = verifyUrl;
        this.startMillis = startMillis;
    }

    /** Samples the target's RSS, at most once a second. */
    void afterRound(double elapsedSeconds) {
        if (pid < 0 || elapsedSeconds - lastRssAt < 1) {
            return;
        }
        lastRssAt = elapsedSeconds;
        rss.add(new double[] {elapsedSeconds, rssKib()});
    }

    private long rssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the RSS of process " + pid + ": " + e.getMessage(), e);
        }
        throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
    }

    void finish(int rounds, int targets, long badRequests) throws IOException, InterruptedException {
        StringBuilder line = new StringBuilder("SOAK rounds=" + rounds + " non2xx=" + badRequests);
        if (badRequests > 0) {
            isPassed = false;
        }
        if (pid >= 0 && rss.size() >= 2) {
            double half = rss.getLast()[0] / 2;
            double firstMax = 0;
            double secondMax = 0;
            for (double[] s : rss) {
                if (s[0] <= half) {
                    firstMax = Math.max(firstMax, s[1]);
                } else {
                    secondMax = Math.max(secondMax, s[1]);
                }
            }
            boolean isBounded = secondMax <= firstMax * MAX_RSS_GROWTH;
            isPassed &= isBounded;
            line.append(String.format(" rss_max_first_half_kib=%.0f rss_max_second_half_kib=%.0f rss_bounded=%s",
                    firstMax, secondMax, isBounded ? "yes" : "NO"));
        }
        if (verifyUrl != null && rounds > 0) {
            long last = startMillis + (rounds - 1) * RemoteWriteWorkload.INTERVAL_MS;
            String query = "count_over_time(process_cpu_seconds_total[" + rounds * RemoteWriteWorkload.INTERVAL_MS / 1000 + "s])";
            URI uri = URI.create(verifyUrl + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
                    + "&time=" + last / 1000.0);
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            int series = 0;
            long missing = 0;
            Matcher m = VALUE.matcher(body);
            while (m.find()) {
                series++;
                missing += rounds - (long) Double.parseDouble(m.group(1));
            }
            missing += (long) (targets - series) * rounds;
            boolean isComplete = series == targets && missing == 0;
            isPassed &= isComplete;
            line.append(String.format(" verified_series=%d/%d missing_samples=%d complete=%s", series, targets, missing,
                    isComplete ? "yes" : "NO"));
        }
        System.out.println(line.append(" passed=").append(isPassed ? "yes" : "NO"));
    }

    boolean isPassed() {
        return isPassed;
    }
}

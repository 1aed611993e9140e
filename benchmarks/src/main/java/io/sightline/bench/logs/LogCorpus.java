package io.sightline.bench.logs;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded, realistic log corpus: eight services writing JSON access logs, logfmt application logs and plain
 * text (nginx-style and Java-style) lines, about 5% errors, and a rare needle string in a handful of lines.
 */
final class LogCorpus {
    static final String NEEDLE = "needle-7f3a9c";
    static final String[] SERVICES = {"checkout", "cart", "payments", "search", "auth", "inventory", "shipping", "frontend"};
    private static final String[] PATHS = {"/api/v1/cart", "/api/v1/checkout", "/api/v1/items", "/api/v1/search", "/login",
            "/api/v1/orders", "/healthz", "/static/app.js", "/api/v1/users/me", "/api/v1/shipping/quote"};
    private static final String[] METHODS = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
    private static final String[] WORDS = {"order", "placed", "cache", "miss", "hit", "retry", "upstream", "timeout",
            "connection", "reset", "user", "session", "expired", "payment", "authorised", "declined", "stock", "reserved",
            "released", "quote", "computed", "index", "refreshed", "token", "issued"};

    /** One line of one service at one time. */
    record Line(int service, long timestampNanos, String body) {
    }

    private final Random random;
    private final int needleEvery;
    private long t;
    private int needles;

    /** @param needleEvery roughly one needle line per this many lines */
    LogCorpus(long seed, long startNanos, int needleEvery) {
        this.random = new Random(seed);
        this.t = startNanos;
        this.needleEvery = needleEvery;
    }

    int needles() {
        return needles;
    }

    /** The next {@code n} lines, time advancing ~1 ms per line. */
    List<Line> next(int n) {
        List<Line> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            t += 200_000 + random.nextInt(1_600_000);
            int service = random.nextInt(SERVICES.length);
            String body = switch (service % 4) {
                case 0 -> json(service);
                case 1 -> logfmt(service);
                case 2 -> nginx();
                default -> java(service);
            };
            if (random.nextInt(needleEvery) == 0) {
                body = body + " trace_note=" + NEEDLE;
                needles++;
            }
            out.add(new Line(service, t, body));
        }
        return out;
    }

    private String hex(int len) {
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            sb.append(Character.forDigit(random.nextInt(16), 16));
        }
        return sb.toString();
    }

    private int status() {
        int r = random.nextInt(100);
        return r < 90 ? 200 : r < 94 ? 404 : r < 97 ? 500 : 302;
    }

    private String json(int service) {
        int status = status();
        return "{\"ts\":\"2026-11-26T08:" + two(random.nextInt(60)) + ":" + two(random.nextInt(60)) + "." + random.nextInt(1000)
                + "Z\",\"level\":\"" + (status >= 500 ? "error" : "info") + "\",\"service\":\"" + SERVICES[service]
                + "\",\"method\":\"" + METHODS[random.nextInt(METHODS.length)] + "\",\"path\":\"" + PATHS[random.nextInt(PATHS.length)]
                + "\",\"status\":" + status + ",\"duration_ms\":" + random.nextInt(900) + ",\"bytes\":" + random.nextInt(50_000)
                + ",\"trace_id\":\"" + hex(32) + "\",\"user_id\":\"u-" + random.nextInt(100_000) + "\"}";
    }

    private String logfmt(int service) {
        boolean error = random.nextInt(20) == 0;
        return "ts=2026-11-26T08:" + two(random.nextInt(60)) + ":" + two(random.nextInt(60)) + "Z level=" + (error ? "error" : "info")
                + " caller=" + SERVICES[service] + "/handler.go:" + (100 + random.nextInt(400)) + " msg=\"" + sentence(4 + random.nextInt(6))
                + "\" order_id=" + random.nextInt(10_000_000) + " took=" + random.nextInt(500) + "ms";
    }

    private String nginx() {
        return "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256) + " - - [26/Nov/2026:08:"
                + two(random.nextInt(60)) + ":" + two(random.nextInt(60)) + " +0000] \"" + METHODS[random.nextInt(METHODS.length)] + " "
                + PATHS[random.nextInt(PATHS.length)] + "?page=" + random.nextInt(50) + " HTTP/1.1\" " + status() + " "
                + random.nextInt(60_000) + " \"-\" \"Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0\"";
    }

    private String java(int service) {
        boolean error = random.nextInt(20) == 0;
        return "2026-11-26 08:" + two(random.nextInt(60)) + ":" + two(random.nextInt(60)) + "." + random.nextInt(1000) + " "
                + (error ? "ERROR" : "INFO ") + " [" + SERVICES[service] + "-worker-" + random.nextInt(16) + "] i.s.shop."
                + Character.toUpperCase(SERVICES[service].charAt(0)) + SERVICES[service].substring(1) + "Service - "
                + sentence(5 + random.nextInt(8)) + (error ? " java.net.SocketTimeoutException: Read timed out" : "");
    }

    private String sentence(int words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(WORDS[random.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }
}

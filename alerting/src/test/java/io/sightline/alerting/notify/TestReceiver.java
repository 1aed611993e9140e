package io.sightline.alerting.notify;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.IntUnaryOperator;

/**
 * A real HTTP (or HTTPS) receiver on a free loopback port; answers each request with the status the test chooses.
 * The HTTPS certificate ({@code src/test/resources/alerting/tls/receiver.p12}, password {@code changeit}, valid for
 * 127.0.0.1 and localhost until 2126, its certificate in {@code receiver-ca.pem}) was made with
 * {@code keytool -genkeypair -keyalg EC -ext SAN=ip:127.0.0.1,dns:localhost -validity 36500}.
 */
public final class TestReceiver implements AutoCloseable {
    public static final Path TLS_DIR = Path.of("src/test/resources/alerting/tls");

    /**
     * @param uri         the request target as sent: a path, or an absolute URL when it came through as a proxy
     * @param headers     lower-cased names, first value
     * @param arrivedNanos {@link System#nanoTime()} at arrival
     */
    public record Request(String path, String body, int answeredStatus, String uri, Map<String, String> headers,
                          long arrivedNanos) {
    }

    private final HttpServer server;
    private final boolean isHttps;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile IntUnaryOperator statusForRequestNumber = n -> 200;
    private volatile String retryAfter = "0";
    private volatile java.util.function.IntFunction<String> bodyForRequestNumber;
    /** While set, requests are recorded and then held (never answered) until {@link #release()}. */
    private final java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean isHolding;

    public TestReceiver() {
        this(false, false);
    }

    private TestReceiver(boolean isHttps, boolean needsClientCert) {
        this.isHttps = isHttps;
        try {
            server = isHttps ? HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0)
                    : HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            if (isHttps) {
                ((HttpsServer) server).setHttpsConfigurator(new HttpsConfigurator(serverTls(needsClientCert)) {
                    @Override
                    public void configure(com.sun.net.httpserver.HttpsParameters params) {
                        javax.net.ssl.SSLParameters p = getSSLContext().getDefaultSSLParameters();
                        p.setNeedClientAuth(needsClientCert);
                        params.setSSLParameters(p);
                    }
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new TreeMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.getFirst()));
            int status;
            int number;
            synchronized (requests) {
                number = requests.size() + 1;
                status = statusForRequestNumber.applyAsInt(number);
                requests.add(new Request(ex.getRequestURI().getPath(), body, status, ex.getRequestURI().toString(),
                        Map.copyOf(headers), System.nanoTime()));
            }
            if (isHolding) {
                try {
                    hold.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            var bodies = bodyForRequestNumber;
            byte[] out = (bodies != null ? bodies.apply(number) : status == 200 ? "ok" : "boom").getBytes(StandardCharsets.UTF_8);
            if (status == 429 && retryAfter != null) {
                ex.getResponseHeaders().add("Retry-After", retryAfter);
            }
            ex.sendResponseHeaders(status, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "test-receiver");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** A receiver speaking HTTPS with the test certificate for 127.0.0.1. */
    public static TestReceiver https() {
        return new TestReceiver(true, false);
    }

    /**
     * HTTPS that accepts only clients presenting {@code client-cert.pem} (key in {@code client-key.pem}, PKCS#8,
     * made with keytool and {@code openssl pkcs8 -topk8 -nocrypt}).
     */
    public static TestReceiver httpsRequiringClientCertificate() {
        return new TestReceiver(true, true);
    }

    private static SSLContext serverTls(boolean needsClientCert) {
        try (InputStream in = Files.newInputStream(TLS_DIR.resolve("receiver.p12"))) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, "changeit".toCharArray());
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "changeit".toCharArray());
            javax.net.ssl.TrustManager[] trust = null;
            if (needsClientCert) {
                KeyStore ts = KeyStore.getInstance("PKCS12");
                ts.load(null, null);
                try (InputStream c = Files.newInputStream(TLS_DIR.resolve("client-cert.pem"))) {
                    ts.setCertificateEntry("client", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(c));
                }
                javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                        javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ts);
                trust = tmf.getTrustManagers();
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), trust, null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Status for the n-th request (1-based). */
    public void answer(IntUnaryOperator statusForRequestNumber) {
        this.statusForRequestNumber = statusForRequestNumber;
    }

    /** The response body for the n-th request (1-based), instead of "ok"/"boom". */
    public void respondWith(java.util.function.IntFunction<String> bodyForRequestNumber) {
        this.bodyForRequestNumber = bodyForRequestNumber;
    }

    /** The Retry-After header sent with a 429 (default "0"; null sends none). */
    public void retryAfter(String value) {
        this.retryAfter = value;
    }

    /** From now on requests hang until {@link #release()}. */
    public void holdRequests() {
        isHolding = true;
    }

    public void release() {
        hold.countDown();
    }

    public String url(String path) {
        return (isHttps ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> delivered() {
        return requests.stream().filter(r -> r.answeredStatus() == 200).toList();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}

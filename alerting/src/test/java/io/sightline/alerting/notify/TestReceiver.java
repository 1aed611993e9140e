package io.sightline.alerting.notify;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.IntUnaryOperator;

/** A real HTTP receiver on a free loopback port; answers each request with the status the test chooses. */
public final class TestReceiver implements AutoCloseable {
    public record Request(String path, String body, int answeredStatus) {
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile IntUnaryOperator statusForRequestNumber = n -> 200;
    /** While set, requests are recorded and then held (never answered) until {@link #release()}. */
    private final java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean isHolding;

    public TestReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status;
            synchronized (requests) {
                status = statusForRequestNumber.applyAsInt(requests.size() + 1);
                requests.add(new Request(ex.getRequestURI().getPath(), body, status));
            }
            if (isHolding) {
                try {
                    hold.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] out = (status == 200 ? "ok" : "boom").getBytes(StandardCharsets.UTF_8);
            if (status == 429) {
                ex.getResponseHeaders().add("Retry-After", "0");
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

    /** Status for the n-th request (1-based). */
    public void answer(IntUnaryOperator statusForRequestNumber) {
        this.statusForRequestNumber = statusForRequestNumber;
    }

    /** From now on requests hang until {@link #release()}. */
    public void holdRequests() {
        isHolding = true;
    }

    public void release() {
        hold.countDown();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
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

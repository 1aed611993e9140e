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
            byte[] out = (status == 200 ? "ok" : "boom").getBytes(StandardCharsets.UTF_8);
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
        server.stop(0);
    }
}

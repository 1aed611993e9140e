package io.sightline.server.deploy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

/** What the tests that start Sightline as a child process share: free ports, a GET, a SIGTERM stop. */
public final class LocalProcesses {
    private LocalProcesses() {
    }

    /** Ports handed out by {@link #freePort}: the kernel may offer a port again once its probe socket is closed. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A port nothing listens on now and that this JVM has not handed out before: a test that asks for three
     * ports in a row before starting a server could otherwise get one port twice (seen: the OTLP/HTTP receiver
     * and the HTTP API given the same port, and the second bind failing).
     */
    public static int freePort() throws IOException {
        while (true) {
            try (ServerSocket s = new ServerSocket(0)) {
                if (HANDED_OUT.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
    }

    static HttpResponse<String> get(HttpClient http, int port, String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** SIGTERM, then SIGKILL if the process has not stopped within a minute. */
    static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }
}

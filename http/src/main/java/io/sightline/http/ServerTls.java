package io.sightline.http;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/** Netty server TLS, as both servers set it up. */
public final class ServerTls {
    private ServerTls() {
    }

    /**
     * A server TLS context builder with the server's keys; it requires client certificates signed by
     * {@code clientCa} (mutual TLS) when that is not null. The caller may add to it (e.g. ALPN) and builds it.
     */
    public static SslContextBuilder builder(KeyManagerFactory keys, TrustManagerFactory clientCa) {
        SslContextBuilder b = SslContextBuilder.forServer(keys);
        if (clientCa != null) {
            b.trustManager(clientCa).clientAuth(ClientAuth.REQUIRE);
        }
        return b;
    }
}

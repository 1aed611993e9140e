package io.sightline.ingest.http;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.sightline.ingest.IngestSecurity;

import javax.net.ssl.SSLException;

/** Netty server TLS contexts from {@link IngestSecurity.Tls}. */
final class TlsContexts {
    private TlsContexts() {
    }

    /** @return null when {@code tls} is null (plain HTTP) */
    static SslContext server(IngestSecurity.Tls tls) throws SSLException {
        if (tls == null) {
            return null;
        }
        SslContextBuilder b = SslContextBuilder.forServer(tls.keys());
        if (tls.clientCa() != null) {
            b.trustManager(tls.clientCa()).clientAuth(ClientAuth.REQUIRE);
        }
        return b.build();
    }
}

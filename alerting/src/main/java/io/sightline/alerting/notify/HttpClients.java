package io.sightline.alerting.notify;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/** Builds the JDK HTTP client a receiver's {@link HttpSettings} call for. */
final class HttpClients {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private HttpClients() {
    }

    static HttpClient shared() {
        return HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    /** A client of its own for settings that need one. */
    static HttpClient build(HttpSettings s) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(s.shouldFollowRedirects() ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER)
                .version(s.isHttp2Enabled() ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1);
        if (!s.tls().equals(HttpSettings.Tls.DEFAULT)) {
            try {
                b.sslContext(sslContext(s.tls()));
            } catch (IOException | GeneralSecurityException e) {
                // checked at load; a file changed since then
                throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
            }
            SSLParameters p = new SSLParameters();
            List<String> protocols = protocols(s.tls());
            if (!protocols.isEmpty()) {
                p.setProtocols(protocols.toArray(String[]::new));
            }
            b.sslParameters(p);
        }
        if (s.proxy() != null) {
            b.proxy(new NoProxySelector(new InetSocketAddress(s.proxy().getHost(), port(s.proxy())), s.noProxy()));
        }
        return b.build();
    }

    /**
     * Reads the TLS files once so a bad path or PEM fails the config load.
     *
     * @throws IllegalArgumentException naming {@code where} and the file
     */
    static void check(String where, HttpSettings.Tls tls) {
        try {
            sslContext(tls);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static SSLContext sslContext(HttpSettings.Tls tls) throws IOException, GeneralSecurityException {
        TrustManager[] trust = null;
        if (tls.isInsecureSkipVerify()) {
            trust = new TrustManager[]{new TrustAll()};
        } else if (tls.caFile() != null) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certificates(tls.caFile())) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            trust = tmf.getTrustManagers();
        }
        javax.net.ssl.KeyManager[] keys = null;
        if (tls.certFile() != null) {
            List<Certificate> chain = certificates(tls.certFile());
            PrivateKey key = privateKey(tls.keyFile());
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", key, new char[0], chain.toArray(Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            keys = kmf.getKeyManagers();
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keys, trust, null);
        return ctx;
    }

    private static List<Certificate> certificates(String file) throws IOException, GeneralSecurityException {
        byte[] pem = Files.readAllBytes(Path.of(file));
        Collection<? extends Certificate> certs;
        try (InputStream in = new ByteArrayInputStream(pem)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (certs.isEmpty()) {
            throw new IllegalArgumentException("no PEM certificate in " + file);
        }
        return new ArrayList<>(certs);
    }

    /** An unencrypted PKCS#8 PEM key ({@code BEGIN PRIVATE KEY}), RSA or EC. */
    private static PrivateKey privateKey(String file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
        int start = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("key_file " + file + " holds no unencrypted PKCS#8 key (BEGIN PRIVATE KEY); "
                    + "convert it with: openssl pkcs8 -topk8 -nocrypt -in old.key -out new.key");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + 27, end));
        GeneralSecurityException last = null;
        for (String alg : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new IllegalArgumentException("key_file " + file + " is not an RSA, EC or Ed25519 key: " + last.getMessage());
    }

    private static List<String> protocols(HttpSettings.Tls tls) {
        List<String> all = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");
        int min = tls.minVersion() == null ? 2 : index(tls.minVersion());
        int max = tls.maxVersion() == null ? 3 : index(tls.maxVersion());
        if (tls.minVersion() == null && tls.maxVersion() == null) {
            return List.of();
        }
        return all.subList(min, Math.max(min, max) + 1);
    }

    private static int index(String v) {
        return switch (v) {
            case "TLS10" -> 0;
            case "TLS11" -> 1;
            case "TLS12" -> 2;
            default -> 3;
        };
    }

    private static int port(URI u) {
        return u.getPort() > 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
    }

    /** {@code insecure_skip_verify}: accepts any certificate and, being an extended manager, any host name. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** The configured proxy, except for hosts listed in {@code no_proxy} (exact host, IP, or domain suffix). */
    private static final class NoProxySelector extends ProxySelector {
        private final List<Proxy> proxy;
        private final List<String> noProxy;

        NoProxySelector(InetSocketAddress address, List<String> noProxy) {
            this.proxy = List.of(new Proxy(Proxy.Type.HTTP, address));
            this.noProxy = noProxy;
        }

        @Override
        public List<Proxy> select(URI uri) {
            String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(java.util.Locale.ROOT);
            String hostPort = host + ":" + port(uri);
            for (String n : noProxy) {
                String d = n.startsWith(".") ? n : "." + n;
                if (host.equals(n) || hostPort.equals(n) || host.endsWith(d) || n.equals("*")) {
                    return List.of(Proxy.NO_PROXY);
                }
            }
            return proxy;
        }

        @Override
        public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
        }
    }
}

package io.sightline.server.security;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;

/**
 * A throw-away PKI made at test time: a CA, a server certificate for 127.0.0.1/localhost and a client
 * certificate, all EC P-256, written as PEM files (certificates, PKCS#8 keys) into a directory. A second,
 * unrelated CA signs a "stranger" client certificate that mTLS must refuse.
 */
public final class TestCertificates {
    public final Path caCert;
    public final Path serverCert;
    public final Path serverKey;
    public final Path clientCert;
    public final Path clientKey;
    public final Path strangerCert;
    public final Path strangerKey;
    private final X509Certificate ca;
    private final KeyPair client;
    private final X509Certificate clientX509;
    private final KeyPair stranger;
    private final X509Certificate strangerX509;

    public TestCertificates(Path dir) throws Exception {
        KeyPair caKeys = keyPair();
        ca = sign("CN=Sightline Test CA", caKeys, "CN=Sightline Test CA", caKeys, true, false);
        KeyPair server = keyPair();
        X509Certificate serverX509 = sign("CN=localhost", server, "CN=Sightline Test CA", caKeys, false, true);
        client = keyPair();
        clientX509 = sign("CN=test-client", client, "CN=Sightline Test CA", caKeys, false, false);
        KeyPair otherCa = keyPair();
        stranger = keyPair();
        strangerX509 = sign("CN=stranger", stranger, "CN=Other CA", otherCa, false, false);
        caCert = write(dir.resolve("ca.pem"), pem("CERTIFICATE", ca.getEncoded()));
        serverCert = write(dir.resolve("server.pem"), pem("CERTIFICATE", serverX509.getEncoded()) + pem("CERTIFICATE", ca.getEncoded()));
        serverKey = write(dir.resolve("server-key.pem"), pem("PRIVATE KEY", server.getPrivate().getEncoded()));
        clientCert = write(dir.resolve("client.pem"), pem("CERTIFICATE", clientX509.getEncoded()));
        clientKey = write(dir.resolve("client-key.pem"), pem("PRIVATE KEY", client.getPrivate().getEncoded()));
        strangerCert = write(dir.resolve("stranger.pem"), pem("CERTIFICATE", strangerX509.getEncoded()));
        strangerKey = write(dir.resolve("stranger-key.pem"), pem("PRIVATE KEY", stranger.getPrivate().getEncoded()));
    }

    /** Trusts the test CA; presents no client certificate. */
    public SSLContext clientContext() throws Exception {
        return context(null, null);
    }

    /** Trusts the test CA and presents the client certificate the test CA issued. */
    public SSLContext mutualContext() throws Exception {
        return context(client, clientX509);
    }

    /** Trusts the test CA and presents a certificate of another CA. */
    public SSLContext strangerContext() throws Exception {
        return context(stranger, strangerX509);
    }

    private SSLContext context(KeyPair keys, X509Certificate cert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (keys != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", keys.getPrivate(), new char[0], new X509Certificate[]{cert});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate sign(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys,
                                        boolean isCa, boolean isServer) throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                BigInteger.valueOf(now.toEpochMilli()).add(BigInteger.valueOf(System.nanoTime() & 0xffff)),
                Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)),
                new X500Name(subject), subjectKeys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (isCa) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        }
        if (isServer) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static Path write(Path file, String text) throws IOException {
        return Files.writeString(file, text);
    }
}

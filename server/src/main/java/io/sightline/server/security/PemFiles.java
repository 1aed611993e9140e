package io.sightline.server.security;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;

/**
 * Reads PEM certificate chains and PKCS#8 private keys into JDK key and trust managers, so that the listeners
 * (Netty for HTTP, grpc-netty for gRPC) get JDK types and never read files themselves. Every failure names the
 * config key and the file.
 */
public final class PemFiles {
    private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String PKCS8_END = "-----END PRIVATE KEY-----";
    private static final char[] NO_PASSWORD = new char[0];

    private PemFiles() {
    }

    /**
     * @param certKey the config key naming {@code certFile}, for errors
     * @param keyKey  the config key naming {@code keyFile}, for errors
     * @throws IllegalArgumentException naming the key and file when a file is missing or unusable
     */
    public static KeyManagerFactory keyManagers(Path certFile, Path keyFile, String certKey, String keyKey) {
        Collection<? extends Certificate> chain = certificates(certFile, certKey);
        PrivateKey key = privateKey(keyFile, keyKey);
        if (!matches(key, chain.iterator().next())) {
            throw new IllegalArgumentException(keyKey + ": the key in " + keyFile + " does not belong to the first certificate in "
                    + certFile + " (" + certKey + "); the certificate file must start with the server's own certificate");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, NO_PASSWORD, chain.toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, NO_PASSWORD);
            return kmf;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(keyKey + ": the key in " + keyFile + " does not match the certificate in "
                    + certFile + " (" + certKey + "): " + e.getMessage(), e);
        }
    }

    /** Trusts the CA certificates of a PEM file (e.g. for client certificates). */
    public static TrustManagerFactory trustManagers(Path caFile, String key) {
        Collection<? extends Certificate> cas = certificates(caFile, key);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (Certificate c : cas) {
                store.setCertificateEntry("ca" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return tmf;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(key + ": cannot trust the certificates in " + caFile + ": " + e.getMessage(), e);
        }
    }

    /** Signs a probe with the key and checks it with the certificate's public key: the JDK's key store does not. */
    private static boolean matches(PrivateKey key, Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448
        };
        try {
            byte[] probe = "sightline key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static Collection<? extends Certificate> certificates(Path file, String key) {
        byte[] bytes = read(file, key);
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes));
            if (certs.isEmpty()) {
                throw new IllegalArgumentException(key + ": no PEM certificate in " + file);
            }
            return certs;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(key + ": " + file + " does not hold PEM certificates: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path file, String key) {
        String pem = new String(read(file, key), StandardCharsets.US_ASCII);
        int begin = pem.indexOf(PKCS8_BEGIN);
        int end = pem.indexOf(PKCS8_END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException(key + ": " + file + " holds no unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----);"
                    + " convert it with: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(begin + PKCS8_BEGIN.length(), end));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": the PEM key in " + file + " is not valid base64", e);
        }
        for (String algorithm : new String[]{"RSA", "EC", "Ed25519", "Ed448"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // not this algorithm; try the next
            }
        }
        throw new IllegalArgumentException(key + ": the key in " + file + " is not an RSA, EC or EdDSA PKCS#8 key");
    }

    private static byte[] read(Path file, String key) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(key + ": cannot read " + file + ": " + e, e);
        }
    }
}

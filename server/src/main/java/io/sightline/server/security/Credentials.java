package io.sightline.server.security;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The credentials one class of endpoints accepts: a bearer token and/or basic-auth users with bcrypt hashes, as
 * Prometheus's web config. Secrets are compared in constant time (tokens through their SHA-256, so the length
 * leaks nothing either), never logged, and {@link #toString()} shows only which kinds are set. Thread-safe.
 */
public final class Credentials {
    /**
     * Verified at an unknown user so that its answer takes as long as a wrong password's: the bcrypt hash (cost 10,
     * a salt of zeros) of "not a password", written out rather than generated at class initialization, which cost
     * every start a bcrypt round and BouncyCastle's classes (kept in the AOT cache) whether basic auth is set or not.
     */
    static final String DUMMY_HASH = "$2b$10$......................ymnC6aVUb93zHlQZ8YEc.XwIOXwNU7i";
    /** bcrypt takes tens of milliseconds by design; the digests of recently verified logins skip it. */
    private static final int MAX_CACHED = 1024;

    private final byte[] tokenDigest;
    private final Map<String, String> bcryptByUser;
    private final Set<String> verified = ConcurrentHashMap.newKeySet();

    /**
     * @param bearerToken  the token, or null for none
     * @param bcryptByUser user name to bcrypt hash ($2a$, $2b$ or $2y$); empty for none
     * @throws IllegalArgumentException when a hash is not a bcrypt hash (the message names the user, not the hash)
     */
    public Credentials(String bearerToken, Map<String, String> bcryptByUser) {
        this.tokenDigest = bearerToken == null ? null : sha256(bearerToken);
        for (Map.Entry<String, String> e : bcryptByUser.entrySet()) {
            String h = e.getValue();
            if (h.length() != 60 || !(h.startsWith("$2a$") || h.startsWith("$2b$") || h.startsWith("$2y$"))) {
                throw new IllegalArgumentException("the password hash of user '" + e.getKey()
                        + "' is not a bcrypt hash ($2b$..., 60 characters); make one with: htpasswd -nBC 10 " + e.getKey());
            }
        }
        this.bcryptByUser = Map.copyOf(bcryptByUser);
    }

    public static Credentials none() {
        return new Credentials(null, Map.of());
    }

    public boolean isConfigured() {
        return tokenDigest != null || !bcryptByUser.isEmpty();
    }

    /** The {@code WWW-Authenticate} challenge of a refusal. */
    public String challenge() {
        return bcryptByUser.isEmpty() ? "Bearer realm=\"sightline\"" : "Basic realm=\"sightline\", charset=\"UTF-8\"";
    }

    /** Whether an {@code Authorization} header value carries one of these credentials; false for null. */
    public boolean accepts(String authorization) {
        if (authorization == null) {
            return false;
        }
        int space = authorization.indexOf(' ');
        if (space < 0) {
            return false;
        }
        String scheme = authorization.substring(0, space);
        String value = authorization.substring(space + 1).strip();
        if (scheme.equalsIgnoreCase("Bearer")) {
            return tokenDigest != null && MessageDigest.isEqual(tokenDigest, sha256(value));
        }
        if (scheme.equalsIgnoreCase("Basic") && !bcryptByUser.isEmpty()) {
            return acceptsBasic(value);
        }
        return false;
    }

    private boolean acceptsBasic(String base64) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        String user = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        String hash = bcryptByUser.get(user);
        String key = HexFormat.of().formatHex(sha256(user + '\0' + password + '\0' + hash));
        if (hash != null && verified.contains(key)) {
            return true;
        }
        boolean ok = OpenBSDBCrypt.checkPassword(hash == null ? DUMMY_HASH : hash, password.toCharArray()) && hash != null;
        if (ok) {
            if (verified.size() >= MAX_CACHED) {
                verified.clear();
            }
            verified.add(key);
        }
        return ok;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("BUG: every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "Credentials[bearer_token=" + (tokenDigest == null ? "none" : "<redacted>") + ", basic_auth_users="
                + bcryptByUser.keySet() + "]";
    }
}

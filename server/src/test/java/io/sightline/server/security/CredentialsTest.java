package io.sightline.server.security;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CredentialsTest {
    private static final String HASH = OpenBSDBCrypt.generate("2b", "s3cret".toCharArray(), new byte[16], 4);

    @Test
    void acceptsOnlyTheExactBearerToken() {
        Credentials c = new Credentials("tok-123", Map.of());
        assertThat(c.accepts("Bearer tok-123")).isTrue();
        assertThat(c.accepts("bearer tok-123")).isTrue();
        assertThat(c.accepts("Bearer tok-1234")).isFalse();
        assertThat(c.accepts("Bearer tok-12")).isFalse();
        assertThat(c.accepts("Bearer ")).isFalse();
        assertThat(c.accepts("tok-123")).isFalse();
        assertThat(c.accepts(null)).isFalse();
        assertThat(c.accepts(basic("user", "tok-123"))).isFalse();
        assertThat(c.challenge()).isEqualTo("Bearer realm=\"sightline\"");
    }

    @Test
    void acceptsBasicAuthAgainstBcryptHashesAndRemembersASuccess() {
        Credentials c = new Credentials(null, Map.of("alice", HASH));
        assertThat(c.accepts(basic("alice", "s3cret"))).isTrue();
        assertThat(c.accepts(basic("alice", "s3cret"))).isTrue();
        assertThat(c.accepts(basic("alice", "wrong"))).isFalse();
        assertThat(c.accepts(basic("bob", "s3cret"))).isFalse();
        assertThat(c.accepts("Basic not*base64")).isFalse();
        assertThat(c.accepts("Basic " + Base64.getEncoder().encodeToString("no-colon".getBytes(StandardCharsets.UTF_8)))).isFalse();
        assertThat(c.accepts("Bearer s3cret")).isFalse();
        assertThat(c.challenge()).startsWith("Basic realm=\"sightline\"");
    }

    @Test
    void anUnknownUserIsVerifiedAgainstAWellFormedCost10HashAndRefusedEvenWithItsPassword() {
        // A malformed dummy hash would make checkPassword throw (or return at once, leaking which users exist).
        assertThat(OpenBSDBCrypt.checkPassword(Credentials.DUMMY_HASH, "not a password".toCharArray())).isTrue();
        assertThat(Credentials.DUMMY_HASH).startsWith("$2b$10$").hasSize(60);
        Credentials c = new Credentials(null, Map.of("alice", HASH));
        assertThat(c.accepts(basic("nobody", "not a password"))).isFalse();
    }

    @Test
    void passwordsMayContainColons() {
        String hash = OpenBSDBCrypt.generate("2b", "a:b:c".toCharArray(), new byte[16], 4);
        assertThat(new Credentials(null, Map.of("u", hash)).accepts(basic("u", "a:b:c"))).isTrue();
    }

    @Test
    void refusesAHashThatIsNotBcryptNamingTheUserButNotTheHash() {
        assertThatThrownBy(() -> new Credentials(null, Map.of("carol", "plaintext-password")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'carol'").hasMessageNotContaining("plaintext-password");
    }

    @Test
    void toStringRedactsTheToken() {
        assertThat(new Credentials("tok-123", Map.of("alice", HASH)).toString())
                .doesNotContain("tok-123").doesNotContain(HASH).contains("<redacted>").contains("alice");
        assertThat(Credentials.none().isConfigured()).isFalse();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}

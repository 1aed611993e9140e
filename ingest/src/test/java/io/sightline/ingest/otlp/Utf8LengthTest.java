package io.sightline.ingest.otlp;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8LengthTest {
    @Test
    void countsAsTheEncoderDoesForAsciiMultiByteSurrogatePairsAndLoneSurrogates() {
        long seed = Long.getLong("seed", 6L);
        Random random = new Random(seed);
        String[] parts = {"a", "é", "€", "😀", "\uD800", "\uDC00", "\n", "ü"};
        for (int i = 0; i < 2_000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = random.nextInt(20);
            for (int k = 0; k < n; k++) {
                sb.append(parts[random.nextInt(parts.length)]);
            }
            String s = sb.toString();
            assertThat(LogsTranslator.utf8Length(s)).as("seed %d: %s", seed, s)
                    .isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
        }
    }
}

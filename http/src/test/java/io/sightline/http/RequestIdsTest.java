package io.sightline.http;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RequestIdsTest {
    @Test
    void idsAreSixteenLowercaseHexDigitsAndDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            String id = RequestIds.next();
            assertThat(id).matches("[0-9a-f]{16}");
            seen.add(id);
        }
        assertThat(seen).hasSize(1_000);
    }
}

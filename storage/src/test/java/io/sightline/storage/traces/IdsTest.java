package io.sightline.storage.traces;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class IdsTest {
    @Test
    void sortHexOrdersTraceIdsAsStringsDoIncludingIdsThatShareTheirLeadingDigits() {
        long seed = Long.getLong("sightline.test.seed", System.nanoTime());
        System.out.println("IdsTest seed (replay with -Dsightline.test.seed=) " + seed);
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            int n = random.nextInt(round < 10 ? 3 : 3000);
            String[] ids = new String[n];
            byte[] b = new byte[16];
            for (int i = 0; i < n; i++) {
                random.nextBytes(b);
                switch (random.nextInt(4)) {
                    case 0 -> Arrays.fill(b, 0, 6, (byte) 0x5e); // shared leading bytes: ties on the kept bits
                    case 1 -> Arrays.fill(b, 0, 8, (byte) 0xff); // equal leading 64 bits, sign bit set
                    default -> {
                        // random
                    }
                }
                ids[i] = HexFormat.of().formatHex(b);
            }
            String[] expected = ids.clone();
            Arrays.sort(expected);

            Ids.sortHex(ids);

            assertThat(ids).as("round %d, %d ids", round, n).containsExactly(expected);
        }
    }
}

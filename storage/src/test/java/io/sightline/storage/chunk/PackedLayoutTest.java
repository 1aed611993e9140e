package io.sightline.storage.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PackedLayoutTest {

    @Test
    void fitPicksNoBitsForAllZeroResiduals() {
        long[] zz = new long[100];
        PackedLayout layout = new PackedLayout();
        assertThat(layout.fit(zz, 0, 100)).isEqualTo(16);
        assertThat(layout.kind()).isEqualTo(PackedLayout.FIXED);
        assertRoundTrips(layout, zz);
    }

    @Test
    void fitKeepsRareOutliersOutOfTheCommonWidthAndPicksRiceForPeakedResiduals() {
        long[] outliers = new long[120];
        for (int i = 0; i < outliers.length; i++) {
            outliers[i] = i % 40 == 0 ? Zigzag.encode(-123_456_789) : (i * 7) % 16; // flat, then rare big
        }
        PackedLayout layout = new PackedLayout();
        long fixedBits = 16 + 120L * Zigzag.width(Zigzag.encode(-123_456_789));
        assertThat(layout.fit(outliers, 0, outliers.length)).isLessThan(fixedBits / 4);
        assertThat(layout.kind()).isNotEqualTo(PackedLayout.FIXED);
        assertRoundTrips(layout, outliers);

        Random random = new Random(7);
        long[] peaked = new long[500];
        for (int i = 0; i < peaked.length; i++) {
            // Laplace-distributed (noisy counter increments around their mean): Rice's home ground.
            long magnitude = Math.round(-Math.log(1 - random.nextDouble()) * 40);
            peaked[i] = Zigzag.encode(random.nextBoolean() ? magnitude : -magnitude);
        }
        peaked[17] = Zigzag.encode(Long.MIN_VALUE); // escapes with a full 64-bit residual
        layout.fit(peaked, 0, peaked.length);
        assertThat(layout.kind()).isEqualTo(PackedLayout.RICE);
        assertRoundTrips(layout, peaked);
    }

    @Test
    void everyKindRoundTripsWideResidualsOutsideTheOneLoadFastPath() {
        Random random = new Random(11);
        long[] zz = new long[300];
        for (int i = 0; i < zz.length; i++) {
            int width = random.nextInt(65);
            zz[i] = width == 0 ? 0 : random.nextLong() >>> (64 - width);
        }
        zz[5] = -1L;
        for (PackedLayout layout : new PackedLayout[] {
            new PackedLayout().force(PackedLayout.FIXED, 0, 0, 64),
            new PackedLayout().force(PackedLayout.TWO, 60, 0, 64),
            new PackedLayout().force(PackedLayout.THREE, 20, 58, 64),
            new PackedLayout().force(PackedLayout.THREE, 57, 60, 64),
            new PackedLayout().force(PackedLayout.RICE, 50, 0, 64),
            new PackedLayout().force(PackedLayout.RICE, 0, 0, 64)}) {
            assertRoundTrips(layout, zz);
        }
    }

    @Test
    void readSpecRejectsUnknownKindsAndWidthsPast64() {
        PackedLayout layout = new PackedLayout();
        assertThatThrownBy(() -> layout.readSpec(new byte[] {4, 0, 0, 0}, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kind 4");
        assertThatThrownBy(() -> layout.readSpec(new byte[] {0, 65, 0, 0}, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("c=65 exceeds 64");
        assertThatThrownBy(() -> layout.readSpec(new byte[] {3, 57, 64, 0}, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k=57 exceeds 56");
    }

    private static void assertRoundTrips(PackedLayout layout, long[] zz) {
        BitWriter w = new BitWriter(16);
        layout.writeSpec(w);
        for (long z : zz) {
            layout.write(w, z);
        }
        byte[] bytes = java.util.Arrays.copyOf(w.array(), w.byteLength() + Bits.PADDING_BYTES);
        PackedLayout reader = new PackedLayout();
        int at = reader.readSpec(bytes, 0);
        long[] out = new long[zz.length];
        long end = reader.decode(bytes, at * 8L, w.bitLength(), out, 0, zz.length);
        assertThat(end).isEqualTo(w.bitLength());
        for (int i = 0; i < zz.length; i++) {
            assertThat(out[i]).as("residual %d", i).isEqualTo(zz[i]);
        }
    }
}

package io.sightline.storage.model;

/**
 * The staleness marker: a NaN with a payload that no arithmetic produces, bit-identical to Prometheus's
 * {@code value.StaleNaN}. Compare with {@link #isStale(double)}, never with {@code ==}.
 */
public final class StaleMarker {
    public static final long BITS = 0x7ff0000000000002L;
    public static final double VALUE = Double.longBitsToDouble(BITS);

    private StaleMarker() {
    }

    public static boolean isStale(double v) {
        return Double.doubleToRawLongBits(v) == BITS;
    }
}

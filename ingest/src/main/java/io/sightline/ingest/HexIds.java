package io.sightline.ingest;

import com.google.protobuf.ByteString;

import java.util.Base64;
import java.util.HexFormat;

/**
 * OTLP/JSON carries trace and span ids as hex (either case), which the protobuf JSON mapping reads as base64:
 * a 32-character hex id becomes 24 bytes, a 16-character one 12. Hex digits are all base64 characters and
 * both lengths are multiples of four, so encoding those bytes in base64 again gives back the exact hex text,
 * which is then decoded as hex.
 */
final class HexIds {
    private HexIds() {
    }

    /** The id of {@code size} bytes that {@code misread} was sent as; {@code misread} itself when it was not hex. */
    static ByteString fromJson(ByteString misread, int size) {
        if (misread.size() != size * 3 / 2) {
            return misread;
        }
        String text = Base64.getEncoder().encodeToString(misread.toByteArray());
        try {
            return ByteString.copyFrom(HexFormat.of().parseHex(text));
        } catch (IllegalArgumentException e) {
            return misread; // not hex after all; the translator rejects the wrong length
        }
    }
}

package io.sightline.query.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import io.sightline.storage.model.Labels;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A streaming JSON writer that writes what Prometheus writes: Go's string escaping ({@code <>&} and control
 * characters as lower-case {@code \}{@code u00xx}), sample values as strings, timestamps as seconds. Not
 * thread-safe; one per response.
 */
final class JsonOut implements AutoCloseable {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();
    private static final CharacterEscapes GO_ESCAPES = new GoEscapes();

    private final JsonGenerator g;
    private final NumberText numbers = new NumberText();

    JsonOut(OutputStream out) throws IOException {
        g = FACTORY.createGenerator(out);
        g.setCharacterEscapes(GO_ESCAPES);
    }

    JsonGenerator gen() {
        return g;
    }

    /** A timestamp as Prometheus writes it: a JSON number of seconds. */
    void timestamp(long millis) throws IOException {
        int n = numbers.timestamp(millis);
        g.writeRawValue(numbers.buf, 0, n);
    }

    /** A sample value as Prometheus writes it: a JSON string. */
    void sampleValue(double v) throws IOException {
        int n = numbers.value(v);
        g.writeString(numbers.buf, 0, n);
    }

    /** A float64 field as Go's encoding/json writes it: a JSON number. */
    void number(double v) throws IOException {
        int n = numbers.jsonNumber(v);
        g.writeRawValue(numbers.buf, 0, n);
    }

    /** A point {@code [seconds, "value"]}. */
    void point(long millis, double v) throws IOException {
        g.writeStartArray();
        timestamp(millis);
        sampleValue(v);
        g.writeEndArray();
    }

    /** A label set as a JSON object, in label order. */
    void labels(Labels labels) throws IOException {
        g.writeStartObject();
        for (int i = 0; i < labels.size(); i++) {
            g.writeStringField(labels.name(i), labels.value(i));
        }
        g.writeEndObject();
    }

    void stringArray(Iterable<String> values) throws IOException {
        g.writeStartArray();
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    @Override
    public void close() throws IOException {
        g.close();
    }

    /** Go's encoding/json escapes (HTML-safe), which Prometheus's jsoniter keeps. */
    private static final class GoEscapes extends CharacterEscapes {
        private final int[] codes = standardAsciiEscapesForJSON();
        private final SerializableString[] custom = new SerializableString[128];

        GoEscapes() {
            for (int c = 0; c < 0x20; c++) {
                if (c != '\n' && c != '\r' && c != '\t') {
                    escapeAsUnicode(c);
                }
            }
            escapeAsUnicode('<');
            escapeAsUnicode('>');
            escapeAsUnicode('&');
        }

        private void escapeAsUnicode(int c) {
            codes[c] = ESCAPE_CUSTOM;
            custom[c] = new SerializedString(String.format("\\u%04x", c));
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return codes;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            if (ch < 128) {
                return custom[ch];
            }
            if (ch == 0x2028 || ch == 0x2029) {
                return new SerializedString(String.format("\\u%04x", ch));
            }
            return null;
        }
    }
}

package io.sightline.ingest.otlp;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;

import java.util.Base64;

/**
 * OTLP {@link AnyValue} to a label value, by the specification's "AnyValue representation for non-OTLP
 * protocols": strings as they are, booleans {@code true}/{@code false}, numbers as JSON numbers, bytes in
 * base64, arrays and maps as JSON text, an empty value as the empty string (which drops the label).
 */
public final class AttributeValues {
    private AttributeValues() {
    }

    /** The label value of {@code v}; allocation-free for string values, which are the common case. */
    public static String toLabelValue(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> v.getBoolValue() ? "true" : "false";
            case INT_VALUE -> Long.toString(v.getIntValue());
            case DOUBLE_VALUE -> jsonNumber(v.getDoubleValue());
            case BYTES_VALUE -> Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
            case ARRAY_VALUE, KVLIST_VALUE -> {
                StringBuilder sb = new StringBuilder();
                appendJson(sb, v);
                yield sb.toString();
            }
            case STRING_VALUE_STRINDEX, VALUE_NOT_SET -> "";
        };
    }

    private static String jsonNumber(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        return FloatLabels.format(d);
    }

    private static void appendJson(StringBuilder sb, AnyValue v) {
        switch (v.getValueCase()) {
            case STRING_VALUE -> appendJsonString(sb, v.getStringValue());
            case BOOL_VALUE -> sb.append(v.getBoolValue());
            case INT_VALUE -> sb.append(v.getIntValue());
            case DOUBLE_VALUE -> {
                double d = v.getDoubleValue();
                // JSON has no NaN or infinities: write them as strings so the text stays valid JSON.
                if (Double.isFinite(d)) {
                    sb.append(FloatLabels.format(d));
                } else {
                    appendJsonString(sb, jsonNumber(d));
                }
            }
            case BYTES_VALUE -> appendJsonString(sb, Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
            case ARRAY_VALUE -> {
                sb.append('[');
                for (int i = 0; i < v.getArrayValue().getValuesCount(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    appendJson(sb, v.getArrayValue().getValues(i));
                }
                sb.append(']');
            }
            case KVLIST_VALUE -> {
                sb.append('{');
                for (int i = 0; i < v.getKvlistValue().getValuesCount(); i++) {
                    KeyValue kv = v.getKvlistValue().getValues(i);
                    if (i > 0) {
                        sb.append(',');
                    }
                    appendJsonString(sb, kv.getKey());
                    sb.append(':');
                    appendJson(sb, kv.getValue());
                }
                sb.append('}');
            }
            case STRING_VALUE_STRINDEX, VALUE_NOT_SET -> sb.append("null");
        }
    }

    private static void appendJsonString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}

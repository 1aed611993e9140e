package io.sightline.ingest.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.sightline.storage.model.Attributes;

import java.util.Base64;
import java.util.List;

/**
 * OTLP {@link KeyValue} lists to typed storage {@link Attributes}: strings, booleans, integers and doubles
 * keep their type (so trace queries compare numbers as numbers and the Tempo API returns them as sent);
 * bytes become base64; arrays and key-value lists are kept as their OTLP/JSON {@code AnyValue} text
 * (e.g. {@code {"arrayValue":{"values":[{"stringValue":"a"}]}}}); an empty value is dropped.
 * Thread-safe (stateless).
 */
final class TypedAttributes {
    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();

    private TypedAttributes() {
    }

    static Attributes of(List<KeyValue> kvs) {
        if (kvs.isEmpty()) {
            return Attributes.EMPTY;
        }
        Attributes.Builder builder = Attributes.builder();
        for (KeyValue kv : kvs) {
            put(builder, kv.getKey(), kv.getValue());
        }
        return builder.build();
    }

    static void put(Attributes.Builder b, String key, AnyValue v) {
        switch (v.getValueCase()) {
            case STRING_VALUE -> b.putString(key, v.getStringValue());
            case BOOL_VALUE -> b.putBool(key, v.getBoolValue());
            case INT_VALUE -> b.putLong(key, v.getIntValue());
            case DOUBLE_VALUE -> b.putDouble(key, v.getDoubleValue());
            case BYTES_VALUE -> b.putText(key, Attributes.Type.BYTES, Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
            case ARRAY_VALUE -> b.putText(key, Attributes.Type.ARRAY, json(v));
            case KVLIST_VALUE -> b.putText(key, Attributes.Type.KVLIST, json(v));
            case STRING_VALUE_STRINDEX, VALUE_NOT_SET -> {
                // An empty value carries nothing to store or query.
            }
        }
    }

    private static String json(AnyValue v) {
        try {
            return JSON.print(v);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("BUG: an AnyValue cannot be printed as JSON", e);
        }
    }
}

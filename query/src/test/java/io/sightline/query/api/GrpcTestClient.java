package io.sightline.query.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A real grpc-java client for {@code tempopb.StreamingQuerier} without generated stubs: requests are written field
 * by field with protobuf's {@link CodedOutputStream} from the numbers in Tempo's tempo.proto, answers are read as
 * {@link UnknownFieldSet}s, so the test checks the wire format independently of the server's encoder.
 */
final class GrpcTestClient {
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private final Channel channel;

    GrpcTestClient(Channel channel) {
        this.channel = channel;
    }

    /** The same client sending {@code authorization} with every call. */
    GrpcTestClient withAuthorization(String authorization) {
        Metadata md = new Metadata();
        md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
        return new GrpcTestClient(ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(md)));
    }

    /** Calls a server-streaming method and collects every message; a non-OK status throws StatusRuntimeException. */
    List<UnknownFieldSet> call(String method, byte[] request) {
        MethodDescriptor<byte[], byte[]> m = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
                .setFullMethodName("tempopb.StreamingQuerier/" + method)
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
        List<UnknownFieldSet> out = new ArrayList<>();
        ClientCalls.blockingServerStreamingCall(channel, m, CallOptions.DEFAULT, request)
                .forEachRemaining(b -> out.add(parse(b)));
        return out;
    }

    static UnknownFieldSet parse(byte[] b) {
        try {
            return UnknownFieldSet.parseFrom(b);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("not a protobuf message", e);
        }
    }

    static UnknownFieldSet parse(ByteString b) {
        return parse(b.toByteArray());
    }

    static List<String> strings(UnknownFieldSet m, int field) {
        List<String> out = new ArrayList<>();
        if (m.hasField(field)) {
            m.getField(field).getLengthDelimitedList().forEach(b -> out.add(b.toStringUtf8()));
        }
        return out;
    }

    static String string(UnknownFieldSet m, int field) {
        List<String> s = strings(m, field);
        return s.isEmpty() ? "" : s.getLast();
    }

    static long varint(UnknownFieldSet m, int field) {
        return m.hasField(field) && !m.getField(field).getVarintList().isEmpty() ? m.getField(field).getVarintList().getLast() : 0;
    }

    static List<UnknownFieldSet> messages(UnknownFieldSet m, int field) {
        List<UnknownFieldSet> out = new ArrayList<>();
        if (m.hasField(field)) {
            m.getField(field).getLengthDelimitedList().forEach(b -> out.add(parse(b)));
        }
        return out;
    }

    /** Writes a request message. */
    static final class Request {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

        Request string(int field, String v) {
            try {
                out.writeString(field, v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Request uint32(int field, long v) {
            try {
                out.writeUInt32(field, (int) v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        /** A {@code map<string,string>} entry. */
        Request mapEntry(int field, String key, String value) {
            try {
                out.writeByteArray(field, new Request().string(1, key).string(2, value).bytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        byte[] bytes() {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }
}

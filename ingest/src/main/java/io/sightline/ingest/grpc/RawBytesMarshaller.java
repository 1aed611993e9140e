package io.sightline.ingest.grpc;

import io.grpc.MethodDescriptor;
import io.grpc.Status;

import java.io.IOException;
import java.io.InputStream;

/**
 * Hands the request message to the service as bytes, so that the service decodes it and can refuse a
 * message that does not decode with INVALID_ARGUMENT: when gRPC's own marshaller fails, the call ends as
 * UNKNOWN, which OTLP exporters would retry. The size is already bounded by the server's
 * {@code maxInboundMessageSize}.
 */
final class RawBytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
        return new java.io.ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
        try {
            return stream.readAllBytes();
        } catch (IOException e) {
            throw Status.INTERNAL.withDescription("cannot read the request message: " + e.getMessage()).withCause(e).asRuntimeException();
        }
    }
}

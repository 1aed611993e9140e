package io.sightline.ingest;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.sightline.ingest.RemoteWritePayload.labels;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The remote-write decoder reads the protobuf wire format itself: it must skip what protobuf skips and refuse
 * what protobuf's own parser refuses, at every level of a WriteRequest.
 */
class RemoteWriteWireFormatTest extends AbstractRemoteWriteTest {
    private static final String UNDECODABLE = "cannot decode protobuf WriteRequest";
    private static final long T0 = (System.currentTimeMillis() / 60_000) * 60_000 - 600_000;

    private OtlpHttpReply send(byte[] protobuf) {
        return fixture.service.handleRemoteWrite(PROTOBUF, "snappy", RemoteWritePayload.compress(protobuf));
    }

    @Test
    void unknownFieldsOfEveryWireTypeAreSkippedInTheRequestItsSeriesAndTheirSamples() throws Exception {
        start(IngestFixture.localConfig());
        byte[] sample = message(out -> {
            unknownFieldsOfEveryType(out);
            out.writeDouble(1, 2.5);
            out.writeInt64(2, T0);
            unknownFieldsOfEveryType(out);
        });
        byte[] series = message(out -> {
            out.writeByteArray(1, message(l -> {
                l.writeString(1, "__name__");
                l.writeString(2, "wire_test");
            }));
            unknownFieldsOfEveryType(out);
            out.writeByteArray(2, sample);
            unknownFieldsOfEveryType(out);
        });
        byte[] request = message(out -> {
            unknownFieldsOfEveryType(out);
            out.writeByteArray(1, series);
            unknownFieldsOfEveryType(out);
        });

        OtlpHttpReply r = send(request);

        assertThat(r.status()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(204);
        assertThat(StoredSeries.all(fixture.storage)).containsExactly(
                Map.entry(Labels.of("__name__", "wire_test"), List.of(2.5)));
    }

    @Test
    void everyTruncationAndFlippedByteIsRefusedExactlyWhenProtobufsOwnParserRefusesIt() throws Exception {
        start(IngestFixture.localConfig());
        RemoteWritePayload payload = new RemoteWritePayload()
                .series(labels("__name__", "http_requests_total", "job", "api", "instance", "host-1:9100"),
                        T0, 1, T0 + 15_000, 2)
                .series(labels("__name__", "temperature", "room", "kitchen"), 1, T0, 21.5)
                .metadata(1, "http_requests_total", "Requests.", "");
        byte[] good = payload.protobuf();
        Random random = new Random(42);
        int refused = 0;
        int mutations = 0;
        for (int length = 1; length <= good.length + 200; length++) {
            byte[] body;
            if (length < good.length) {
                body = Arrays.copyOf(good, length);
            } else {
                body = good.clone();
                body[random.nextInt(body.length)] ^= (byte) (1 << random.nextInt(8));
                if (random.nextInt(4) == 0) {
                    body[random.nextInt(body.length)] = (byte) random.nextInt(256);
                }
            }
            mutations++;
            boolean isWellFormed = isWellFormed(body);
            OtlpHttpReply r = send(body);
            String text = new String(r.body(), StandardCharsets.UTF_8);
            assertThat(r.status()).as("body %s: %s", Arrays.toString(body), text).isIn(204, 400);
            assertThat(text.startsWith(UNDECODABLE)).as("body %s well-formed by protobuf: %s, answer: %s",
                    Arrays.toString(body), isWellFormed, text).isEqualTo(!isWellFormed);
            if (!isWellFormed) {
                refused++;
            }
        }
        // Both outcomes occur often, or the comparison would show little.
        assertThat(refused).isBetween(mutations / 10, mutations * 9 / 10);
    }

    /**
     * Whether protobuf's generic parser reads the request, its series, their samples and labels, and the
     * metadata, with the string fields the decoder reads as UTF-8. Labels are judged only for a series that has
     * samples or histograms: the decoder drops other series unread.
     */
    private static boolean isWellFormed(byte[] request) {
        try {
            UnknownFieldSet req = UnknownFieldSet.parseFrom(request);
            for (ByteString ts : req.getField(1).getLengthDelimitedList()) {
                UnknownFieldSet series = UnknownFieldSet.parseFrom(ts);
                for (ByteString sample : series.getField(2).getLengthDelimitedList()) {
                    UnknownFieldSet.parseFrom(sample);
                }
                boolean hasPoints = !series.getField(2).getLengthDelimitedList().isEmpty()
                        || !series.getField(4).getLengthDelimitedList().isEmpty();
                for (ByteString label : hasPoints ? series.getField(1).getLengthDelimitedList() : List.<ByteString>of()) {
                    if (!hasUtf8Strings(UnknownFieldSet.parseFrom(label), 1, 2)) {
                        return false;
                    }
                }
            }
            for (ByteString metadata : req.getField(3).getLengthDelimitedList()) {
                if (!hasUtf8Strings(UnknownFieldSet.parseFrom(metadata), 2, 4, 5)) {
                    return false;
                }
            }
            return true;
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
    }

    private static boolean hasUtf8Strings(UnknownFieldSet message, int... fields) {
        for (int f : fields) {
            for (ByteString s : message.getField(f).getLengthDelimitedList()) {
                if (!s.isValidUtf8()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Field numbers 100-104, one per wire type: varint, fixed64, length-delimited, group, fixed32. */
    private static void unknownFieldsOfEveryType(CodedOutputStream out) throws IOException {
        out.writeInt64(100, -3);
        out.writeFixed64(101, 0x0102030405060708L);
        out.writeString(102, "skip me");
        out.writeTag(103, 3); // start group: a nested varint and a string, then its end tag
        out.writeInt32(1, 7);
        out.writeString(2, "in a group");
        out.writeTag(103, 4);
        out.writeFixed32(104, 0x01020304);
    }

    private interface Writer {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Writer writer) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(b);
        writer.write(out);
        out.flush();
        return b.toByteArray();
    }
}

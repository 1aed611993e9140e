package io.sightline.server.e2e;

import com.google.protobuf.CodedOutputStream;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Prometheus remote-write 1.0 requests built by hand (a protobuf {@code WriteRequest}, snappy) for end-to-end tests. */
final class RemoteWriteBodies {
    private RemoteWriteBodies() {
    }

    /** One {@code TimeSeries} of one sample: {@code labels} as name, value pairs, in the order given. */
    static byte[] series(long t, double v, String... labels) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        CodedOutputStream ts = CodedOutputStream.newInstance(b);
        for (int i = 0; i < labels.length; i += 2) {
            ByteArrayOutputStream lb = new ByteArrayOutputStream();
            CodedOutputStream l = CodedOutputStream.newInstance(lb);
            l.writeString(1, labels[i]);
            l.writeString(2, labels[i + 1]);
            l.flush();
            ts.writeByteArray(1, lb.toByteArray());
        }
        ByteArrayOutputStream sb = new ByteArrayOutputStream();
        CodedOutputStream s = CodedOutputStream.newInstance(sb);
        s.writeDouble(1, v);
        s.writeInt64(2, t);
        s.flush();
        ts.writeByteArray(2, sb.toByteArray());
        ts.flush();
        return b.toByteArray();
    }

    /** POSTs a {@code WriteRequest} of {@code timeSeries} to {@code /api/v1/write} on 127.0.0.1:{@code port}. */
    static HttpResponse<String> post(HttpClient http, int port, Iterable<byte[]> timeSeries) throws Exception {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(request);
        for (byte[] ts : timeSeries) {
            out.writeByteArray(1, ts);
        }
        out.flush();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/write"))
                .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(request.toByteArray()))).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

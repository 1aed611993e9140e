package io.sightline.ingest.limit;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class BoundedGzipTest {
    public static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    @Test
    void decompressesBodiesUpToTheLimit() throws IOException {
        byte[] data = new byte[100_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        assertThat(BoundedGzip.decompress(gzip(data), 100_000)).isEqualTo(data);
    }

    @Test
    void stopsABombAtTheLimitNamingIt() throws IOException {
        byte[] bomb = gzip(new byte[50 << 20]); // 50 MiB of zeros, about 50 KiB compressed

        assertThat(bomb.length).isLessThan(100_000);
        assertThatThrownBy(() -> BoundedGzip.decompress(bomb, 1 << 20))
                .isInstanceOf(BoundedGzip.TooLargeException.class)
                .hasMessageContaining("1048576 bytes (ingest.max_request_bytes)");
    }

    @Test
    void refusesInputThatIsNotGzip() {
        assertThatThrownBy(() -> BoundedGzip.decompress(new byte[] {1, 2, 3, 4}, 1000))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(BoundedGzip.TooLargeException.class);
    }
}

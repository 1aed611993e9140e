package io.sightline.storage.index;

import io.sightline.storage.io.ByteSink;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.io.MemoryTag;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LabelsCodecTest {
    @Test
    void canonicalBytesEqualTheWalFormAndReadBackForAnyText() {
        String longValue = "v".repeat(300); // a length that needs a two-byte varint
        List<Labels> sets = List.of(
                Labels.of("__name__", "up"),
                Labels.of("__name__", "http_requests_total", "code", "200", "instance", "host-1:9100", "job", "api"),
                Labels.of("__name__", "m", "city", "Zürich", "emoji", "\uD83D\uDE00", "cjk", "東京"),
                Labels.of("__name__", "m", "long", longValue),
                Labels.of("__name__", "m", "lone", "\uD800x")); // an unpaired surrogate: UTF-8 gives '?'
        TaggedAllocator allocator = new TaggedAllocator(DefaultFileFacade.INSTANCE);
        ByteSink sink = new ByteSink(allocator, MemoryTag.INDEX, 16);
        try {
            for (Labels labels : sets) {
                sink.clear();
                LabelsCodec.write(labels, sink);
                ByteBuffer written = sink.buffer().flip();
                byte[] expected = new byte[written.remaining()];
                written.get(expected);

                byte[] canonical = LabelsCodec.toBytes(labels);

                assertThat(canonical).as(labels.toString()).isEqualTo(expected).isEqualTo(encodedThroughGetBytes(labels));
                if (!labels.value(labels.size() - 1).startsWith("\uD800")) {
                    assertThat(LabelsCodec.read(ByteBuffer.wrap(canonical))).isEqualTo(labels);
                }
            }
        } finally {
            sink.release();
        }
        assertThat(Arrays.equals(LabelsCodec.toBytes(sets.get(0)), LabelsCodec.toBytes(Labels.of("__name__", "up")))).isTrue();
    }

    /** The canonical form as the format documents it, built from String.getBytes: what the fast paths must match. */
    private static byte[] encodedThroughGetBytes(Labels labels) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        LabelsCodec.uvarint(out, labels.size());
        for (int i = 0; i < labels.size(); i++) {
            for (String s : new String[]{labels.name(i), labels.value(i)}) {
                byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                LabelsCodec.uvarint(out, b.length);
                out.writeBytes(b);
            }
        }
        return out.toByteArray();
    }
}

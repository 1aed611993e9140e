package io.sightline.alerting.notify;

import com.fasterxml.jackson.databind.JavaType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON file replaced atomically: write a temp file, fsync, rename over the old one. A crash leaves the old
 * or the new file, never a torn one. Files are small (one entry per group and receiver), so rewriting is cheap.
 */
final class DurableJson {
    private DurableJson() {
    }

    /** The list of {@code element}s in {@code file}, or an empty list when there is no file. */
    static <E> List<E> readList(Path file, Class<E> element) {
        // Jackson's mapper is touched only when there is a file: its databind part (~300 classes) then stays unloaded
        // in a server whose alerting has never persisted anything (the query API writes JSON with jackson-core alone).
        // constructParametricType, not constructCollectionType: its result is declared a JavaType, so verifying this
        // class does not load Jackson's type classes to check that a CollectionType is one.
        if (!Files.exists(file)) {
            return List.of();
        }
        return read(file, Json.MAPPER.getTypeFactory().constructParametricType(List.class, element));
    }

    /** The map of String to {@code value} in {@code file}, or an empty map when there is no file. */
    static <V> Map<String, V> readMap(Path file, Class<V> value) {
        if (!Files.exists(file)) {
            return Map.of();
        }
        return read(file, Json.MAPPER.getTypeFactory().constructParametricType(HashMap.class, String.class, value));
    }

    private static <T> T read(Path file, JavaType type) {
        try {
            return Json.MAPPER.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (delete it to start over, losing its state): " + e.getMessage(), e);
        }
    }

    static void write(Path file, Object value) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            byte[] bytes = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}

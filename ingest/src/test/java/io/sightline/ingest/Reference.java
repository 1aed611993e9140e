package io.sightline.ingest;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds ../shared/reference by walking up from the module directory (CI clones the repo next to shared/). */
final class Reference {
    private Reference() {
    }

    static Path file(String relative) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("shared/reference");
            if (Files.isDirectory(candidate)) {
                return candidate.resolve(relative);
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("no shared/reference directory above " + Path.of("").toAbsolutePath());
    }
}

package io.sightline.storage.segment;

import io.sightline.storage.io.FileFacade;

import java.io.IOException;
import java.nio.file.Path;

/**
 * How a segment directory comes into place: written under {@code name.tmp}, fsynced, then renamed, so a crash
 * leaves either nothing or a whole segment (a leftover {@code .tmp} is deleted at open, see {@link SegmentList#load}).
 */
public final class SegmentDirs {
    private SegmentDirs() {
    }

    /** Empties and creates {@code dir/name.tmp}, where the segment is written; returns it. */
    public static Path createTmp(FileFacade files, Path dir, String name) throws IOException {
        Path tmp = dir.resolve(name + SegmentNames.TMP_SUFFIX);
        files.deleteRecursively(tmp);
        files.createDirectories(tmp);
        return tmp;
    }

    /** Makes the finished {@code tmp} durable and renames it to {@code dir/name} atomically; returns that. */
    public static Path publish(FileFacade files, Path dir, Path tmp, String name) throws IOException {
        Path target = dir.resolve(name);
        files.syncDirectory(tmp);
        files.moveAtomically(tmp, target);
        files.syncDirectory(dir);
        return target;
    }
}

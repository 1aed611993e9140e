package io.sightline.storage.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Moves a damaged block or segment directory out of a store's way, renamed with {@link #SUFFIX}: kept for a
 * look or a backup restore, never opened again, and never deleted by the store (retention does not see it).
 */
public final class DamagedDirs {
    public static final String SUFFIX = ".damaged";

    private DamagedDirs() {
    }

    /** Renames {@code dir} to {@code dir.damaged} (or {@code dir.damaged.N} if that exists); returns the new path. */
    public static Path moveAside(FileFacade files, Path dir) throws IOException {
        Path target = dir.resolveSibling(dir.getFileName() + SUFFIX);
        for (int n = 2; files.exists(target); n++) {
            target = dir.resolveSibling(dir.getFileName() + SUFFIX + "." + n);
        }
        files.moveAtomically(dir, target);
        files.syncDirectory(dir.getParent());
        return target;
    }
}

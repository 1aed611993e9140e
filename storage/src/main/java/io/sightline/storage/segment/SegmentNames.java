package io.sightline.storage.segment;

/**
 * Names of a segment's directory and file, shared by the log and trace formats (logs.md, traces.md): segment
 * {@code seg-N} holds every record of WAL files below {@code N}; it is written as {@code seg-N.tmp} and renamed.
 */
public final class SegmentNames {
    /** The one data file inside a segment directory. */
    public static final String FILE = "segment";
    /** Suffix of a segment directory still being written; one left at open is deleted (its records are in the WAL). */
    public static final String TMP_SUFFIX = ".tmp";

    private SegmentNames() {
    }

    /** Segment directories are named by the WAL file that followed the cut, so names sort in cut order. */
    public static String dirName(int walNumber) {
        return String.format("seg-%08d", walNumber);
    }

    /** The WAL number a segment directory name carries, or -1 when it is not a segment. */
    public static int walNumber(String dirName) {
        if (dirName.length() != 12 || !dirName.startsWith("seg-")) {
            return -1;
        }
        for (int i = 4; i < 12; i++) {
            if (!Character.isDigit(dirName.charAt(i))) {
                return -1;
            }
        }
        return Integer.parseInt(dirName.substring(4));
    }
}

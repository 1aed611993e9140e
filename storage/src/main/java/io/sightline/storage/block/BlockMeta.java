package io.sightline.storage.block;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code meta.json} of a block: what it covers and where it came from. Times in Unix milliseconds,
 * {@code minTime} inclusive and {@code maxTime} exclusive (as Prometheus).
 *
 * @param level   1 for a block cut from the head, n+1 for a compaction of level-n blocks
 * @param sources ids of the level-1 blocks whose data this block holds
 */
public record BlockMeta(String ulid, long minTime, long maxTime, long series, long samples, long chunks, int level,
                        List<String> sources) {
    static final int VERSION = 1;

    String toJson() {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\n  \"version\": ").append(VERSION)
                .append(",\n  \"ulid\": \"").append(ulid)
                .append("\",\n  \"minTime\": ").append(minTime)
                .append(",\n  \"maxTime\": ").append(maxTime)
                .append(",\n  \"stats\": {\"numSeries\": ").append(series)
                .append(", \"numSamples\": ").append(samples)
                .append(", \"numChunks\": ").append(chunks)
                .append("},\n  \"compaction\": {\"level\": ").append(level).append(", \"sources\": [");
        for (int i = 0; i < sources.size(); i++) {
            sb.append(i == 0 ? "\"" : ", \"").append(sources.get(i)).append('"');
        }
        return sb.append("]}\n}\n").toString();
    }

    /**
     * Parses what {@link #toJson()} wrote.
     *
     * @throws IllegalArgumentException naming the missing or bad field
     */
    static BlockMeta parse(String json) {
        long version = number(json, "version");
        if (version > VERSION) {
            throw new NewerVersionException("unsupported block meta version " + version + ", this build reads " + VERSION);
        }
        if (version != VERSION) {
            throw new IllegalArgumentException("unsupported block meta version " + version + ", this build reads " + VERSION);
        }
        List<String> sources = new ArrayList<>();
        Matcher list = Pattern.compile("\"sources\"\\s*:\\s*\\[([^\\]]*)]").matcher(json);
        if (list.find()) {
            Matcher item = Pattern.compile("\"([0-9A-Z]+)\"").matcher(list.group(1));
            while (item.find()) {
                sources.add(item.group(1));
            }
        }
        return new BlockMeta(string(json, "ulid"), number(json, "minTime"), number(json, "maxTime"),
                number(json, "numSeries"), number(json, "numSamples"), number(json, "numChunks"),
                (int) number(json, "level"), List.copyOf(sources));
    }

    private static long number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*(-?\\d+)").matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException("field \"" + key + "\" missing or not a number");
        }
        return Long.parseLong(m.group(1));
    }

    private static String string(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException("field \"" + key + "\" missing or not a string");
        }
        return m.group(1);
    }

    /** A meta file of a newer format: not damage (see {@code FileHeader.isNewer}). */
    static final class NewerVersionException extends IllegalArgumentException {
        NewerVersionException(String message) {
            super(message);
        }
    }
}

package io.sightline.alerting.template;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Go's {@code time.Time} as templates see it: printed as Go prints it, with the methods notification templates
 * use ({@code .Format "layout"}, {@code .Unix}, {@code .UnixMilli}, {@code .UTC}, {@code .IsZero}). Immutable.
 */
public record GoTime(long epochMillis, ZoneId zone) implements GoValue {
    /** Go's zero time, which Alertmanager shows as {@code 0001-01-01T00:00:00Z} for a firing alert's end. */
    public static final long ZERO = Instant.parse("0001-01-01T00:00:00Z").toEpochMilli();

    /** Named "UTC" (not the offset "Z") so {@code MST} in a layout prints as Go prints it. */
    private static final ZoneId UTC = ZoneId.of("UTC");

    public static GoTime utc(long epochMillis) {
        return new GoTime(epochMillis, UTC);
    }

    @Override
    public Object get(String name, List<Object> args) {
        return switch (name) {
            case "Format" -> {
                if (args.size() != 1 || !(args.getFirst() instanceof String layout)) {
                    throw new TemplateException("Format takes one layout string, got " + args.size() + " arguments");
                }
                yield format(layout);
            }
            case "Unix" -> (double) Math.floorDiv(epochMillis, 1000);
            case "UnixMilli" -> (double) epochMillis;
            case "UTC" -> new GoTime(epochMillis, UTC);
            case "Local" -> this; // the server's local zone is not the reader's; keep the zone as given
            case "IsZero" -> epochMillis == ZERO;
            default -> ABSENT;
        };
    }

    /** Formats with a Go reference-time layout such as {@code 2006-01-02 15:04:05 MST}. */
    public String format(String goLayout) {
        return DateTimeFormatter.ofPattern(GoLayouts.toJava(goLayout), Locale.ROOT).format(zoned());
    }

    ZonedDateTime zoned() {
        return Instant.ofEpochMilli(epochMillis).atZone(zone);
    }

    /** Go's default {@code time.Time} text: {@code 2006-01-02 15:04:05.999999999 -0700 MST}. */
    @Override
    public String toString() {
        return format("2006-01-02 15:04:05.999999999 -0700 MST");
    }
}

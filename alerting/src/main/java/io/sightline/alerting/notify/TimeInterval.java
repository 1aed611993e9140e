package io.sightline.alerting.notify;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One {@code time_intervals} entry of Alertmanager's config ({@code <time_interval_spec>}): an instant matches when
 * every non-empty list has an element containing it. Times are half-open ({@code 17:00}-{@code 24:00}), the other
 * ranges inclusive; negative days of the month count from its end and are clamped. Immutable.
 *
 * @param times        minute-of-day ranges {@code [start, end)}
 * @param weekdays     inclusive ranges, Sunday = 0
 * @param daysOfMonth  inclusive ranges, 1-based, negative from the end
 * @param months       inclusive ranges, January = 1
 * @param years        inclusive ranges
 */
public record TimeInterval(List<int[]> times, List<int[]> weekdays, List<int[]> daysOfMonth, List<int[]> months,
                           List<int[]> years, ZoneId location) {
    private static final List<String> WEEKDAYS = List.of("sunday", "monday", "tuesday", "wednesday", "thursday",
            "friday", "saturday");
    private static final List<String> MONTHS = List.of("january", "february", "march", "april", "may", "june", "july",
            "august", "september", "october", "november", "december");

    /** Whether {@code instant} falls inside this interval. */
    public boolean contains(Instant instant) {
        ZonedDateTime t = instant.atZone(location);
        if (!times.isEmpty() && times.stream().noneMatch(r -> in(t.getHour() * 60 + t.getMinute(), r[0], r[1] - 1))) {
            return false;
        }
        int weekday = t.getDayOfWeek().getValue() % 7;
        if (!weekdays.isEmpty() && weekdays.stream().noneMatch(r -> in(weekday, r[0], r[1]))) {
            return false;
        }
        if (!daysOfMonth.isEmpty()) {
            int len = t.toLocalDate().lengthOfMonth();
            boolean ok = false;
            for (int[] r : daysOfMonth) {
                int from = r[0] < 0 ? len + r[0] + 1 : r[0];
                int to = r[1] < 0 ? len + r[1] + 1 : r[1];
                from = Math.max(1, from);
                to = Math.min(len, to);
                ok |= in(t.getDayOfMonth(), from, to);
            }
            if (!ok) {
                return false;
            }
        }
        if (!months.isEmpty() && months.stream().noneMatch(r -> in(t.getMonthValue(), r[0], r[1]))) {
            return false;
        }
        return years.isEmpty() || years.stream().anyMatch(r -> in(t.getYear(), r[0], r[1]));
    }

    private static boolean in(int v, int from, int to) {
        return v >= from && v <= to;
    }

    /**
     * Parses one {@code <time_interval_spec>} mapping.
     *
     * @throws IllegalArgumentException naming {@code where} and the bad value
     */
    static TimeInterval parse(JsonNode n, String where) {
        if (!n.isObject()) {
            throw new IllegalArgumentException(where + ": expected a mapping");
        }
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (!Set.of("times", "weekdays", "days_of_month", "months", "years", "location").contains(e.getKey())) {
                throw new IllegalArgumentException(where + ": unknown field \"" + e.getKey() + "\"");
            }
        }
        List<int[]> times = new ArrayList<>();
        int i = 0;
        for (JsonNode t : n.path("times")) {
            String w = where + ".times[" + i++ + "]";
            int start = minutes(t.path("start_time").asText(""), w + ".start_time");
            int end = minutes(t.path("end_time").asText(""), w + ".end_time");
            if (start >= end) {
                throw new IllegalArgumentException(w + ": start_time cannot be equal or greater than end_time");
            }
            times.add(new int[]{start, end});
        }
        ZoneId zone = ZoneOffset.UTC;
        String loc = n.path("location").asText("");
        if (!loc.isEmpty() && !loc.equals("UTC")) {
            try {
                zone = loc.equals("Local") ? ZoneId.systemDefault() : ZoneId.of(loc);
            } catch (DateTimeException e) {
                throw new IllegalArgumentException(where + ".location: unknown time zone " + loc, e);
            }
        }
        return new TimeInterval(List.copyOf(times), ranges(n.path("weekdays"), where + ".weekdays", WEEKDAYS, 0, 0, 6),
                ranges(n.path("days_of_month"), where + ".days_of_month", null, 0, -31, 31),
                ranges(n.path("months"), where + ".months", MONTHS, 1, 1, 12),
                ranges(n.path("years"), where + ".years", null, 0, 0, 9999), zone);
    }

    private static int minutes(String hhmm, String where) {
        if (!hhmm.matches("\\d{1,2}:\\d{2}")) {
            throw new IllegalArgumentException(where + ": couldn't parse timestamp " + hhmm + ", invalid format (want HH:MM)");
        }
        String[] p = hhmm.split(":");
        int h = Integer.parseInt(p[0]);
        int m = Integer.parseInt(p[1]);
        if (h > 24 || m > 59 || (h == 24 && m != 0)) {
            throw new IllegalArgumentException(where + ": " + hhmm + " is not a time of day between 00:00 and 24:00");
        }
        return h * 60 + m;
    }

    /** Items such as {@code monday:friday}, {@code 1:5}, {@code -3:-1}, {@code may}; names map to index + base. */
    private static List<int[]> ranges(JsonNode list, String where, List<String> names, int nameBase, int min, int max) {
        List<int[]> out = new ArrayList<>();
        int i = 0;
        for (JsonNode item : list) {
            String w = where + "[" + i++ + "]";
            String s = item.asText().strip().toLowerCase(Locale.ROOT);
            String[] parts = s.split(":", -1);
            if (parts.length > 2) {
                throw new IllegalArgumentException(w + ": invalid range " + s);
            }
            int from = value(parts[0], w, names, nameBase, min, max);
            int to = parts.length == 2 ? value(parts[1], w, names, nameBase, min, max) : from;
            if ((from >= 0) == (to >= 0) && from > to) {
                throw new IllegalArgumentException(w + ": start " + parts[0] + " is after end " + parts[parts.length - 1]);
            }
            out.add(new int[]{from, to});
        }
        return List.copyOf(out);
    }

    private static int value(String s, String where, List<String> names, int nameBase, int min, int max) {
        if (names != null && names.contains(s)) {
            return names.indexOf(s) + nameBase;
        }
        int v;
        try {
            v = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": " + s + " is not a valid " + (names == null ? "number" : "name or number"), e);
        }
        if (v < min || v > max || v == 0 && min < 0) {
            throw new IllegalArgumentException(where + ": " + v + " is out of range " + min + ".." + max);
        }
        return v;
    }
}

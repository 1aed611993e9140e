package io.sightline.alerting.notify.chat;

import io.sightline.alerting.notify.Notification;
import io.sightline.alerting.notify.TextTemplate;
import io.sightline.alerting.template.TemplateException;
import io.sightline.alerting.template.GoFormat;
import io.sightline.storage.model.Labels;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What every chat message says, independent of the service's format: a title like Alertmanager's default
 * ({@code [FIRING:2] HighLatency checkout}) and per alert its name, severity, service, other labels, humanized
 * value, since when, summary/description and the graph link. Formatters lay these out and truncate to the
 * service's limits with {@link #truncate}.
 */
public final class ChatText {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ChatText.class);
    /** Labels shown in their own place, not in the "other labels" line. */
    private static final Set<String> SHOWN = Set.of("alertname", "severity", "service", "service_name", "job");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private ChatText() {
    }

    /** One alert prepared for display; empty strings for what is absent. */
    public record AlertView(boolean isFiring, String name, String severity, String service, String value, String since,
                            String resolvedAt, String summary, String description, String otherLabels, String link) {
    }

    public static String title(Notification n) {
        StringBuilder sb = new StringBuilder("[");
        sb.append(n.status().toUpperCase(java.util.Locale.ROOT));
        if (n.status().equals("firing")) {
            sb.append(':').append(n.firingCount());
        }
        sb.append("] ");
        List<String> values = new ArrayList<>(new java.util.TreeMap<>(n.groupLabels()).values());
        sb.append(values.isEmpty() ? n.commonLabels().getOrDefault("alertname", "alerts") : String.join(" ", values));
        return sb.toString();
    }

    public static List<AlertView> views(Notification n) {
        List<AlertView> out = new ArrayList<>();
        for (Notification.NotifiedAlert a : n.alerts()) {
            Labels l = a.labels();
            String service = first(l, "service", "service_name", "job");
            StringBuilder other = new StringBuilder();
            for (int i = 0; i < l.size(); i++) {
                if (!SHOWN.contains(l.name(i))) {
                    if (!other.isEmpty()) {
                        other.append(", ");
                    }
                    other.append(l.name(i)).append('=').append(l.value(i));
                }
            }
            out.add(new AlertView(a.isFiring(), nz(l.get("alertname")), nz(l.get("severity")), service,
                    Double.isNaN(a.value()) ? "" : GoFormat.humanize(a.value()), time(a.startsAtMillis()),
                    a.isFiring() ? "" : time(a.endsAtMillis()), nz(a.annotations().get("summary")),
                    nz(a.annotations().get("description")), other.toString(), nz(a.generatorUrl())));
        }
        return out;
    }

    /** The alert as plain lines, for services that take text; {@code bold} wraps a label name (markup of the service). */
    public static String plain(AlertView v, String boldOpen, String boldClose) {
        StringBuilder sb = new StringBuilder();
        sb.append(boldOpen).append(v.name()).append(boldClose);
        if (!v.severity().isEmpty()) {
            sb.append(" (").append(v.severity()).append(')');
        }
        sb.append('\n');
        line(sb, "Service", v.service(), boldOpen, boldClose);
        line(sb, "Value", v.value(), boldOpen, boldClose);
        line(sb, "Since", v.since(), boldOpen, boldClose);
        line(sb, "Resolved", v.resolvedAt(), boldOpen, boldClose);
        line(sb, "Summary", v.summary(), boldOpen, boldClose);
        line(sb, "Description", v.description(), boldOpen, boldClose);
        line(sb, "Labels", v.otherLabels(), boldOpen, boldClose);
        return sb.toString();
    }

    private static void line(StringBuilder sb, String name, String value, String bo, String bc) {
        if (!value.isEmpty()) {
            sb.append(bo).append(name).append(':').append(bc).append(' ').append(value).append('\n');
        }
    }

    /**
     * The template's text for {@code n}, or {@code fallback} when there is no template or it fails at run time
     * (logged): a message in the built-in format beats a lost alert.
     */
    public static String render(TextTemplate t, Notification n, String fallback) {
        if (t == null) {
            return fallback;
        }
        try {
            return t.expand(n);
        } catch (TemplateException e) {
            log.warn("notification template failed, sending the built-in text instead [receiver={}, error={}]",
                    n.receiver(), e.getMessage());
            return fallback;
        }
    }

    /** Like {@link #render} but empty when there is no template. */
    public static String render(TextTemplate t, Notification n) {
        return render(t, n, "");
    }

    /** Cuts to at most {@code max} characters, ending with an ellipsis when cut (never splits a surrogate pair). */
    public static String truncate(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max - 1;
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, Math.max(0, end)) + "…";
    }

    private static String first(Labels l, String... names) {
        for (String n : names) {
            String v = l.get(n);
            if (v != null) {
                return v;
            }
        }
        return "";
    }

    private static String time(long millis) {
        return millis == 0 ? "" : TIME.format(Instant.ofEpochMilli(millis));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}

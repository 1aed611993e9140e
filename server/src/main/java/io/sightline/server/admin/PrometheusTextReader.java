package io.sightline.server.admin;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A pull-based metric reader that renders Sightline's own metrics in the Prometheus text exposition
 * format (0.0.4) for {@code GET /metrics}. Instruments are named in Prometheus style already
 * ({@code sightline_ingest_samples_accepted_total}), so names pass through, only sanitised.
 *
 * <p>Written here because the OpenTelemetry Prometheus exporter is not served by our registry at the
 * SDK's version; the format is small and stable.
 */
public final class PrometheusTextReader implements MetricReader {
    private volatile CollectionRegistration registration = CollectionRegistration.noop();

    @Override
    public void register(CollectionRegistration registration) {
        this.registration = registration;
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode forceFlush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        registration = CollectionRegistration.noop();
        return CompletableResultCode.ofSuccess();
    }

    /** Collects all instruments now and renders them. Thread-safe. */
    public String scrape() {
        StringBuilder out = new StringBuilder(4096);
        collect(new SampleVisitor() {
            @Override
            public void family(String name, String type, String help) {
                String family = type.equals("counter") && name.endsWith("_total") ? name.substring(0, name.length() - 6) : name;
                if (!help.isEmpty()) {
                    out.append("# HELP ").append(family).append(' ').append(escapeHelp(help)).append('\n');
                }
                out.append("# TYPE ").append(family).append(' ').append(type).append('\n');
            }

            @Override
            public void sample(String name, Attributes attrs, String le, double value) {
                PrometheusTextReader.sample(out, name, attrs, le, value);
            }
        });
        return out.toString();
    }

    /**
     * Collects all instruments now and walks them as Prometheus samples, families sorted by name: what
     * {@link #scrape()} renders and what the self-scrape writes into the store. Thread-safe.
     */
    public void collect(SampleVisitor visitor) {
        List<MetricData> metrics = new ArrayList<>(registration.collectAllMetrics());
        metrics.sort(Comparator.comparing(MetricData::getName));
        for (MetricData m : metrics) {
            walk(m, visitor);
        }
    }

    /** Receives the samples of one collection; names are sanitised already. */
    public interface SampleVisitor {
        /** Starts a family; {@code type} is counter, gauge or histogram. */
        void family(String name, String type, String help);

        /** One sample; {@code le} is the bucket bound of a histogram bucket, else null. */
        void sample(String name, Attributes attrs, String le, double value);
    }

    private static void walk(MetricData m, SampleVisitor v) {
        String name = sanitize(m.getName());
        String help = m.getDescription();
        switch (m.getType()) {
            case LONG_GAUGE -> {
                v.family(name, "gauge", help);
                for (LongPointData p : m.getLongGaugeData().getPoints()) {
                    v.sample(name, p.getAttributes(), null, p.getValue());
                }
            }
            case DOUBLE_GAUGE -> {
                v.family(name, "gauge", help);
                for (DoublePointData p : m.getDoubleGaugeData().getPoints()) {
                    v.sample(name, p.getAttributes(), null, p.getValue());
                }
            }
            case LONG_SUM -> {
                v.family(name, m.getLongSumData().isMonotonic() ? "counter" : "gauge", help);
                for (LongPointData p : m.getLongSumData().getPoints()) {
                    v.sample(name, p.getAttributes(), null, p.getValue());
                }
            }
            case DOUBLE_SUM -> {
                v.family(name, m.getDoubleSumData().isMonotonic() ? "counter" : "gauge", help);
                for (DoublePointData p : m.getDoubleSumData().getPoints()) {
                    v.sample(name, p.getAttributes(), null, p.getValue());
                }
            }
            case HISTOGRAM -> {
                v.family(name, "histogram", help);
                for (HistogramPointData p : m.getHistogramData().getPoints()) {
                    histogram(v, name, p);
                }
            }
            default -> {
                // Exponential histograms and summaries are not used by Sightline's own instruments.
            }
        }
    }

    private static void histogram(SampleVisitor v, String name, HistogramPointData p) {
        List<Double> bounds = p.getBoundaries();
        List<Long> counts = p.getCounts();
        long cumulative = 0;
        for (int i = 0; i < counts.size(); i++) {
            cumulative += counts.get(i);
            String le = i < bounds.size() ? format(bounds.get(i)) : "+Inf";
            v.sample(name + "_bucket", p.getAttributes(), le, cumulative);
        }
        v.sample(name + "_sum", p.getAttributes(), null, p.getSum());
        v.sample(name + "_count", p.getAttributes(), null, p.getCount());
    }

    private static void sample(StringBuilder out, String name, Attributes attrs, String le, double value) {
        out.append(name);
        if (!attrs.isEmpty() || le != null) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<AttributeKey<?>, Object> e : attrs.asMap().entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                out.append(sanitize(e.getKey().getKey())).append("=\"").append(escapeValue(String.valueOf(e.getValue()))).append('"');
            }
            if (le != null) {
                out.append(first ? "" : ",").append("le=\"").append(le).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(format(value)).append('\n');
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    static String sanitize(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
            sb.append(ok ? c : '_');
        }
        return sb.toString();
    }

    private static String escapeHelp(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static String escapeValue(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}

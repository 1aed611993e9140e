package io.sightline.ingest.otlp;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;

/**
 * The tally of one request: samples stored, samples rejected by cause, OTLP data points rejected (what
 * partial success reports), the first problem in words, exemplars dropped. Mutable, used by the one
 * thread that handles the request.
 */
public final class TranslationResult {
    private final long[] rejectedSamples = new long[RejectCause.values().length];
    private long acceptedSamples;
    private long rejectedPoints;
    private long exemplarsDropped;
    private String firstProblem;
    private int problems;

    /** Samples that storage accepted. */
    public long acceptedSamples() {
        return acceptedSamples;
    }

    /** Samples rejected for {@code cause}. */
    public long rejectedSamples(RejectCause cause) {
        return rejectedSamples[cause.ordinal()];
    }

    /** OTLP data points of which at least one sample was not stored. */
    public long rejectedPoints() {
        return rejectedPoints;
    }

    public long exemplarsDropped() {
        return exemplarsDropped;
    }

    /**
     * The partial-success message: the first problem with its context, and how many more there were;
     * empty when there was none.
     */
    public String message() {
        if (firstProblem == null) {
            return "";
        }
        return problems == 1 ? firstProblem : firstProblem + " (and " + (problems - 1) + " more problems)";
    }

    /**
     * The OTLP response: empty on full success; otherwise partial success with the rejected point count and
     * the message (a message with zero rejected points is a warning, as the specification allows).
     */
    public ExportMetricsServiceResponse toResponse() {
        ExportMetricsServiceResponse.Builder response = ExportMetricsServiceResponse.newBuilder();
        String message = message();
        if (rejectedPoints > 0 || !message.isEmpty()) {
            response.setPartialSuccess(ExportMetricsPartialSuccess.newBuilder()
                    .setRejectedDataPoints(rejectedPoints).setErrorMessage(message));
        }
        return response.build();
    }

    void accepted() {
        acceptedSamples++;
    }

    void rejectedSamples(RejectCause cause, long samples) {
        rejectedSamples[cause.ordinal()] += samples;
    }

    void rejectedPoint() {
        rejectedPoints++;
    }

    void exemplarsDropped(int n) {
        exemplarsDropped += n;
    }

    /** Records a problem; only the first one's text is kept, since building the others' text is waste. */
    void problem(String text) {
        if (firstProblem == null) {
            firstProblem = text;
        }
        problems++;
    }

    /** Counts a further problem whose text is not needed (see {@link #hasProblem()}). */
    void anotherProblem() {
        problems++;
    }

    boolean hasProblem() {
        return firstProblem != null;
    }
}

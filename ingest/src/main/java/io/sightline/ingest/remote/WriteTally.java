package io.sightline.ingest.remote;

import io.sightline.ingest.otlp.RejectCause;

/**
 * The outcome of one remote-write request: samples stored, samples rejected by cause, exemplars dropped,
 * and the first problem in words (only the first one's text is built, the others are counted). Mutable,
 * reused by its decoder, one request at a time.
 */
final class WriteTally {
    final long[] rejected = new long[RejectCause.values().length];
    long accepted;
    long exemplarsDropped;
    private long problems;
    private String firstProblem;

    void reset() {
        java.util.Arrays.fill(rejected, 0);
        accepted = 0;
        exemplarsDropped = 0;
        problems = 0;
        firstProblem = null;
    }

    /** Counts {@code samples} rejected for {@code cause}; builds the text only for the first problem. */
    void reject(RejectCause cause, long samples, ProblemText text) {
        if (samples <= 0) {
            return;
        }
        rejected[cause.ordinal()] += samples;
        if (firstProblem == null) {
            firstProblem = text.describe();
        }
        problems++;
    }

    long rejectedTotal() {
        long n = 0;
        for (long r : rejected) {
            n += r;
        }
        return n;
    }

    /** The first problem with its context, and how many more there were; empty when there was none. */
    String message() {
        if (firstProblem == null) {
            return "";
        }
        String more = problems == 1 ? "" : " (and " + (problems - 1) + " more problems)";
        return rejectedTotal() + " samples rejected; first: " + firstProblem + more;
    }

    /** Text built lazily, so rejections after the first cost no string building. */
    @FunctionalInterface
    interface ProblemText {
        String describe();
    }
}

package io.sightline.alerting.state;

import io.sightline.storage.model.Labels;

import java.util.Map;

/**
 * One alert of an alerting rule and its place in pending → firing → inactive (resolved). Owned by its rule;
 * mutated only by the rule's group thread; API readers get {@link #snapshot()}.
 */
public final class ActiveAlert {
    private final Labels labels;
    private Map<String, String> annotations;
    private AlertState state = AlertState.PENDING;
    private double value;
    private long activeAtMillis;
    private long firedAtMillis;
    private long resolvedAtMillis;
    private long lastSentAtMillis;
    private long validUntilMillis;
    private long keepFiringSinceMillis;

    public ActiveAlert(Labels labels, Map<String, String> annotations, double value, long activeAtMillis) {
        this.labels = labels;
        this.annotations = annotations;
        this.value = value;
        this.activeAtMillis = activeAtMillis;
    }

    /** An immutable view for the API. */
    public record Snapshot(Labels labels, Map<String, String> annotations, AlertState state, double value,
                           long activeAtMillis, long firedAtMillis, long resolvedAtMillis, long keepFiringSinceMillis) {
    }

    public Snapshot snapshot() {
        return new Snapshot(labels, annotations, state, value, activeAtMillis, firedAtMillis, resolvedAtMillis, keepFiringSinceMillis);
    }

    /** The sample was seen again: refresh value and annotations, stop any keep-firing period. */
    public void seen(double value, Map<String, String> annotations) {
        this.value = value;
        this.annotations = annotations;
        this.keepFiringSinceMillis = 0;
    }

    /** Moves pending to firing once {@code for} has elapsed. */
    public void advance(long nowMillis, long forMillis) {
        if (state == AlertState.PENDING && nowMillis - activeAtMillis >= forMillis) {
            state = AlertState.FIRING;
            firedAtMillis = nowMillis;
        }
    }

    /**
     * The sample is gone at {@code nowMillis}. Returns false when the alert should be dropped (it was only pending,
     * or resolved longer than {@code retentionMillis} ago).
     */
    public boolean missing(long nowMillis, long keepFiringForMillis, long retentionMillis) {
        if (state == AlertState.FIRING && keepFiringForMillis > 0) {
            if (keepFiringSinceMillis == 0) {
                keepFiringSinceMillis = nowMillis;
            }
            if (nowMillis - keepFiringSinceMillis < keepFiringForMillis) {
                return true;
            }
        }
        if (state == AlertState.PENDING) {
            return false;
        }
        if (state == AlertState.INACTIVE) {
            return nowMillis - resolvedAtMillis <= retentionMillis;
        }
        state = AlertState.INACTIVE;
        resolvedAtMillis = nowMillis;
        keepFiringSinceMillis = 0;
        return true;
    }

    /**
     * Whether the notifier must hear about this alert now (Prometheus's resend logic): firing alerts every
     * {@code resendDelayMillis}, a resolved alert once.
     */
    public boolean needsSending(long nowMillis, long resendDelayMillis) {
        if (state == AlertState.PENDING) {
            return false;
        }
        if (state == AlertState.INACTIVE) {
            return lastSentAtMillis < resolvedAtMillis;
        }
        return lastSentAtMillis == 0 || lastSentAtMillis + resendDelayMillis <= nowMillis;
    }

    /** Records a send and returns the alert to send. */
    public Alert sent(long nowMillis, long validForMillis, String generatorUrl) {
        lastSentAtMillis = nowMillis;
        validUntilMillis = nowMillis + validForMillis;
        long ends = state == AlertState.INACTIVE ? resolvedAtMillis : validUntilMillis;
        return new Alert(labels, annotations, firedAtMillis == 0 ? activeAtMillis : firedAtMillis, ends, generatorUrl, value);
    }

    /** Sets the start of the pending period restored from {@code ALERTS_FOR_STATE} after a restart. */
    public void restoreActiveAt(long activeAtMillis) {
        this.activeAtMillis = activeAtMillis;
    }

    public Labels labels() {
        return labels;
    }

    public AlertState state() {
        return state;
    }

    public long activeAtMillis() {
        return activeAtMillis;
    }

    public double value() {
        return value;
    }
}

package io.sightline.alerting.state;

import java.util.Locale;

/** An alert's lifecycle: pending while {@code for} runs, firing, and inactive once resolved. */
public enum AlertState {
    INACTIVE, PENDING, FIRING;

    /** Prometheus's lower-case name, as in {@code ALERTS{alertstate="firing"}} and the API. */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

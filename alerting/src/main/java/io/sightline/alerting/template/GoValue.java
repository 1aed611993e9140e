package io.sightline.alerting.template;

import java.util.List;

/**
 * A template value with Go-style fields and methods, for data richer than maps: Alertmanager's notification data
 * has methods such as {@code .Alerts.Firing}, {@code .Labels.SortedPairs} and {@code .CommonLabels.Remove names}.
 * A type may also be a {@link java.util.Map} or {@link java.util.List}; {@link #get} is asked first, the map second.
 */
public interface GoValue {
    /** Returned by {@link #get} for a name that is neither field nor method. */
    Object ABSENT = new Object();

    /**
     * The field {@code name}, or the result of calling method {@code name} with {@code args} (empty for fields and
     * for methods called without arguments, which Go calls implicitly).
     *
     * @throws TemplateException when the method rejects its arguments
     */
    Object get(String name, List<Object> args);
}

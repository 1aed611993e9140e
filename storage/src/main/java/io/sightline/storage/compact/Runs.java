package io.sightline.storage.compact;

/** Receives each block cut from the head and each block merge, with its result and duration, for self-metrics. */
@FunctionalInterface
public interface Runs {
    String HEAD_CUT = "head_cut";
    String MERGE = "merge";

    /**
     * @param kind      {@link #HEAD_CUT} or {@link #MERGE}
     * @param succeeded false when the run threw
     */
    void ran(String kind, boolean succeeded, long nanos);
}

package io.sightline.ingest.spanmetrics;

import io.sightline.storage.model.Labels;

/**
 * The service graph series of one edge: {@code traces_service_graph_request_total},
 * {@code traces_service_graph_request_failed_total}, and the {@code traces_service_graph_request_server_seconds}
 * and {@code traces_service_graph_request_client_seconds} histograms. The failed counter is written from the
 * start (at 0), so an error ratio reads 0 rather than nothing for a healthy edge.
 */
final class EdgeCell extends Cell {
    static final String TOTAL = "traces_service_graph_request_total";
    static final String FAILED = "traces_service_graph_request_failed_total";
    static final String SERVER_SECONDS = "traces_service_graph_request_server_seconds";
    static final String CLIENT_SECONDS = "traces_service_graph_request_client_seconds";
    /** Tempo's default service graph buckets: 0.1 s to 12.8 s, doubling. */
    static final double[] BOUNDS = {0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8};

    private final Histogram server = new Histogram(BOUNDS);
    private final Histogram client = new Histogram(BOUNDS);
    private long total;
    private long failed;

    EdgeCell(EdgeKey key) {
        super(2 + 2 * Histogram.seriesCount(BOUNDS));
        Labels base = key.labels();
        series[0] = base.toBuilder().set(Labels.METRIC_NAME, TOTAL).build();
        series[1] = base.toBuilder().set(Labels.METRIC_NAME, FAILED).build();
        Histogram.labels(SERVER_SECONDS, BOUNDS, base, series, 2);
        Histogram.labels(CLIENT_SECONDS, BOUNDS, base, series, 2 + Histogram.seriesCount(BOUNDS));
    }

    synchronized void observe(boolean isFailed, double serverSeconds, double clientSeconds) {
        total++;
        if (isFailed) {
            failed++;
        }
        server.observe(serverSeconds);
        client.observe(clientSeconds);
    }

    synchronized long total() {
        return total;
    }

    synchronized long failed() {
        return failed;
    }

    @Override
    synchronized void values(double[] out) {
        out[0] = total;
        out[1] = failed;
        server.values(out, 2);
        client.values(out, 2 + Histogram.seriesCount(BOUNDS));
    }

    @Override
    synchronized void restore(int i, double value) {
        int h = Histogram.seriesCount(BOUNDS);
        if (i == 0) {
            total = (long) value;
        } else if (i == 1) {
            failed = (long) value;
        } else if (i < 2 + h) {
            server.restore(i - 2, value);
        } else {
            client.restore(i - 2 - h, value);
        }
    }
}

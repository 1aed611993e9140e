package io.sightline.query.logql;

import io.sightline.query.LogQueryConfig;
import io.sightline.query.QueryException;

/** The series limit, checked where results are built. */
final class Limits {
    private Limits() {
    }

    static void checkSeries(int series, LogQueryConfig config) {
        if (series > config.maxSeries()) {
            throw new QueryException(QueryException.ErrorType.EXECUTION, "maximum of series (" + config.maxSeries()
                    + ") reached for a single query (logs.query.max_series); got " + series + ", aggregate with sum by (...) or add filters");
        }
    }
}

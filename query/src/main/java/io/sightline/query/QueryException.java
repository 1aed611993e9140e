package io.sightline.query;

/**
 * The one unchecked exception of the query module. The error type maps to Prometheus's API error
 * types and status codes; a parse error carries the character position in the expression.
 */
public class QueryException extends RuntimeException {
    /** Prometheus API error types, with the HTTP status each answers. */
    public enum ErrorType {
        BAD_DATA("bad_data", 400), EXECUTION("execution", 422), TIMEOUT("timeout", 503), CANCELED("canceled", 503),
        UNAVAILABLE("unavailable", 503), NOT_FOUND("not_found", 404), INTERNAL("internal", 500);

        private final String apiName;
        private final int httpStatus;

        ErrorType(String apiName, int httpStatus) {
            this.apiName = apiName;
            this.httpStatus = httpStatus;
        }

        public String apiName() {
            return apiName;
        }

        public int httpStatus() {
            return httpStatus;
        }
    }

    private final ErrorType type;
    private final int position;

    public QueryException(ErrorType type, String message) {
        this(type, message, -1, null);
    }

    public QueryException(ErrorType type, String message, int position, Throwable cause) {
        super(message, cause);
        this.type = type;
        this.position = position;
    }

    public ErrorType type() {
        return type;
    }

    /** Zero-based character offset of a parse error in the expression, or -1. */
    public int position() {
        return position;
    }
}

package io.sightline.server.config;

/** A configuration error: names the key, the bad value and where it came from (file or flag). */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.sightline.alerting.template;

/** A template that does not parse, or fails while executing; the message names the template and the cause. */
public final class TemplateException extends RuntimeException {
    public TemplateException(String message) {
        super(message);
    }

    public TemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}

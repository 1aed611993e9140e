package io.sightline.alerting.notify;

import io.sightline.alerting.template.Template;
import io.sightline.alerting.template.TemplateException;

import java.util.Objects;

/**
 * A receiver field given as a Go template ({@code title: '{{ template "slack.default.title" . }}'}), compiled at
 * load. Equal when source and template files are equal. Immutable and thread-safe.
 */
public final class TextTemplate {
    private final String source;
    private final NotifyTemplates templates;
    private final Template compiled;

    TextTemplate(String source, NotifyTemplates templates, Template compiled) {
        this.source = source;
        this.templates = templates;
        this.compiled = compiled;
    }

    /**
     * Expands the template with Alertmanager's data for {@code n}.
     *
     * @throws TemplateException when a function or method fails at run time (e.g. a bad {@code index})
     */
    public String expand(Notification n) {
        return compiled.execute(TemplateData.of(n));
    }

    public String source() {
        return source;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TextTemplate t && source.equals(t.source) && templates.equals(t.templates);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, templates);
    }

    @Override
    public String toString() {
        return source;
    }
}

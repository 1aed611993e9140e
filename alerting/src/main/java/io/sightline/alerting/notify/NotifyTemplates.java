package io.sightline.alerting.notify;

import io.sightline.alerting.template.Template;
import io.sightline.alerting.template.TemplateException;
import io.sightline.alerting.template.TemplateLibrary;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The notification templates of one Alertmanager config: Sightline's built-in definitions of Alertmanager's
 * default template names ({@code __subject}, {@code slack.default.title}, ...) followed by the files of the
 * config's {@code templates:} globs, so user files may override them. Equal when built from equal texts, so a
 * reload with unchanged files keeps the running integrations. Immutable and thread-safe.
 */
public final class NotifyTemplates {
    static final String DEFAULTS_RESOURCE = "default.tmpl";
    /** Bounds what one glob can pull in; a template directory with more files is a mistake. */
    private static final int MAX_FILES = 1_000;

    private final List<TemplateLibrary.Source> sources;
    private final TemplateLibrary library;

    private NotifyTemplates(List<TemplateLibrary.Source> sources) {
        this.sources = sources;
        try {
            this.library = TemplateLibrary.parse(sources);
        } catch (TemplateException e) {
            throw new IllegalArgumentException("templates: " + e.getMessage(), e);
        }
    }

    /** Only the built-in definitions. */
    static NotifyTemplates defaults() {
        return new NotifyTemplates(List.of(builtIn()));
    }

    /**
     * Reads the files matching each glob, in order; relative globs are resolved against {@code baseDir} (the
     * config file's directory, as Alertmanager does). Only the last path component may hold wildcards.
     *
     * @throws IllegalArgumentException naming the glob or file that cannot be read or parsed
     */
    static NotifyTemplates load(List<String> globs, Path baseDir) {
        List<TemplateLibrary.Source> sources = new ArrayList<>();
        sources.add(builtIn());
        for (String glob : globs) {
            Path pattern = baseDir.resolve(glob);
            Path dir = pattern.getParent();
            String filePattern = pattern.getFileName().toString();
            if (dir == null || dir.toString().matches(".*[*?\\[].*")) {
                throw new IllegalArgumentException("templates: " + glob + ": only the last path component may contain wildcards");
            }
            List<Path> files = new ArrayList<>();
            if (Files.isDirectory(dir)) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, filePattern)) {
                    ds.forEach(files::add);
                } catch (IOException e) {
                    throw new IllegalArgumentException("templates: cannot list " + dir + ": " + e.getMessage(), e);
                }
            }
            files.sort(null); // Go's filepath.Glob returns sorted names
            for (Path f : files) {
                if (sources.size() > MAX_FILES) {
                    throw new IllegalArgumentException("templates: more than " + MAX_FILES + " template files match " + glob);
                }
                try {
                    sources.add(new TemplateLibrary.Source(f.getFileName().toString(), Files.readString(f)));
                } catch (IOException e) {
                    throw new IllegalArgumentException("templates: cannot read " + f + ": " + e.getMessage(), e);
                }
            }
        }
        return new NotifyTemplates(List.copyOf(sources));
    }

    private static TemplateLibrary.Source builtIn() {
        try (InputStream in = NotifyTemplates.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("BUG: resource " + DEFAULTS_RESOURCE + " missing from the jar");
            }
            return new TemplateLibrary.Source("sightline-" + DEFAULTS_RESOURCE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Compiles a receiver field such as {@code title}; plain text without {@code {{} stays as it is.
     *
     * @param where the field's location for errors, e.g. {@code receivers[0].slack_configs[0].title}
     * @throws IllegalArgumentException naming {@code where} when the text does not parse or calls an unknown template
     */
    public TextTemplate compile(String where, String text) {
        try {
            return new TextTemplate(text, this, Template.parse(where, text, library));
        } catch (TemplateException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    /** The number of template files read besides the built-in one. */
    public int fileCount() {
        return sources.size() - 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NotifyTemplates t && sources.equals(t.sources);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sources);
    }
}

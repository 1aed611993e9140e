package io.sightline.alerting.template;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Named templates ({@code {{ define "name" }}...{{ end }}}) from template files, callable from any template parsed
 * with {@link Template#parse(String, String, TemplateLibrary)}. Files are read in order and a later definition of a
 * name replaces an earlier one, so user files can override built-in defaults (as in Alertmanager). Text outside
 * {@code define} blocks is callable under the file's name, as Go's {@code ParseFiles} does. Immutable.
 */
public final class TemplateLibrary {
    /** No named templates. */
    public static final TemplateLibrary EMPTY = new TemplateLibrary(Map.of());

    /** One template file: its base name (for errors and as a template name) and its text. */
    public record Source(String name, String text) {
    }

    private final Map<String, List<Node>> defines;

    private TemplateLibrary(Map<String, List<Node>> defines) {
        this.defines = defines;
    }

    /**
     * Parses the files in order.
     *
     * @throws TemplateException naming the file when one does not parse
     */
    public static TemplateLibrary parse(List<Source> sources) {
        Map<String, List<Node>> all = new HashMap<>();
        for (Source s : sources) {
            TemplateParser p = new TemplateParser(s.name(), s.text(), TemplateFunctions.NAMES);
            List<Node> top = p.parse();
            all.put(s.name(), top);
            all.putAll(p.defines());
        }
        TemplateLibrary lib = new TemplateLibrary(Map.copyOf(all));
        // resolve every call now, so a file calling an undefined template fails at load, naming it
        for (Source s : sources) {
            Template.parse(s.name(), s.text(), lib);
        }
        return lib;
    }

    /** Whether a template of this name is defined. */
    public boolean has(String name) {
        return defines.containsKey(name);
    }

    Map<String, List<Node>> defines() {
        return defines;
    }
}

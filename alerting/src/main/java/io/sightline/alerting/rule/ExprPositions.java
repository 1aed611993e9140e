package io.sightline.alerting.rule;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each rule's {@code expr} value sits in a rule file (line:column, 1-based), so parse errors point into the
 * file as promtool's do. The tree model drops locations, hence this second, streaming pass; it runs only for a
 * file that has errors.
 */
final class ExprPositions {
    private static final YAMLFactory YAML = new YAMLFactory();

    private ExprPositions() {
    }

    /** Keys are {@code groupIndex/ruleIndex} (0-based); values {@code "line:column"}. Empty when the YAML is unreadable. */
    static Map<String, String> of(String yaml) {
        Map<String, String> out = new HashMap<>();
        try (JsonParser p = YAML.createParser(yaml)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (!t.isScalarValue()) {
                    continue;
                }
                JsonStreamContext rule = p.getParsingContext();
                if (!"expr".equals(rule.getCurrentName())) {
                    continue;
                }
                JsonStreamContext rules = rule.getParent();
                JsonStreamContext group = rules == null ? null : rules.getParent();
                JsonStreamContext groups = group == null ? null : group.getParent();
                if (groups == null || !rules.inArray() || !groups.inArray()) {
                    continue;
                }
                JsonLocation loc = p.currentTokenLocation();
                out.put(groups.getCurrentIndex() + "/" + rules.getCurrentIndex(), loc.getLineNr() + ":" + loc.getColumnNr());
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }
}

package io.sightline.query.logql;

/**
 * {@code | logfmt}: {@code key=value} pairs, values bare or double-quoted with escapes; a key without
 * {@code =} gets the empty value. Never fails: what does not parse is skipped. Thread-safe.
 */
final class LogfmtStage {
    void apply(LogLine l) {
        String s = l.line();
        int i = 0;
        int n = s.length();
        StringBuilder value = new StringBuilder();
        while (i < n) {
            while (i < n && s.charAt(i) <= ' ') {
                i++;
            }
            int keyStart = i;
            while (i < n && s.charAt(i) > ' ' && s.charAt(i) != '=' && s.charAt(i) != '"') {
                i++;
            }
            String key = s.substring(keyStart, i);
            if (i < n && s.charAt(i) == '=') {
                i++;
                value.setLength(0);
                if (i < n && s.charAt(i) == '"') {
                    i++;
                    while (i < n && s.charAt(i) != '"') {
                        char c = s.charAt(i);
                        if (c == '\\' && i + 1 < n) {
                            char e = s.charAt(++i);
                            value.append(switch (e) {
                                case 'n' -> '\n';
                                case 't' -> '\t';
                                default -> e;
                            });
                        } else {
                            value.append(c);
                        }
                        i++;
                    }
                    i++;
                } else {
                    while (i < n && s.charAt(i) > ' ') {
                        value.append(s.charAt(i++));
                    }
                }
                if (!key.isEmpty()) {
                    l.setParsed(JsonStage.sanitise(key), value.toString());
                }
            } else if (i < n && s.charAt(i) == '"') {
                i++; // stray quote: skip it
            } else if (!key.isEmpty()) {
                l.setParsed(JsonStage.sanitise(key), "");
            }
        }
    }
}

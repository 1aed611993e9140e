package io.sightline.query.promql.parser;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Go-compatible string quoting and unquoting, as PromQL string literals use. */
public final class Strings {
    private Strings() {
    }

    /**
     * Decodes the escapes of a single- or double-quoted literal body. Returns null and sets nothing when an
     * escape is bad; the lexer turns that into an error.
     */
    static String unescape(String body, char quote) {
        if (body.indexOf('\\') < 0) {
            return body;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length());
        int i = 0;
        while (i < body.length()) {
            char c = body.charAt(i);
            if (c != '\\') {
                int cp = body.codePointAt(i);
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp);
                continue;
            }
            if (i + 1 >= body.length()) {
                return null;
            }
            char e = body.charAt(i + 1);
            i += 2;
            switch (e) {
                case 'a' -> out.write(7);
                case 'b' -> out.write(8);
                case 'f' -> out.write(12);
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case 'v' -> out.write(11);
                case '\\' -> out.write('\\');
                case '\'', '"' -> {
                    if (e != quote) {
                        return null;
                    }
                    out.write(e);
                }
                case 'x', 'u', 'U' -> {
                    int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (i + n > body.length()) {
                        return null;
                    }
                    int v;
                    try {
                        v = Integer.parseUnsignedInt(body.substring(i, i + n), 16);
                    } catch (NumberFormatException ex) {
                        return null;
                    }
                    i += n;
                    if (e == 'x') {
                        out.write(v);
                    } else {
                        if (!Character.isValidCodePoint(v) || (v >= 0xD800 && v <= 0xDFFF)) {
                            return null;
                        }
                        out.writeBytes(new String(Character.toChars(v)).getBytes(StandardCharsets.UTF_8));
                    }
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        if (i + 2 > body.length()) {
                            return null;
                        }
                        String oct = body.substring(i - 1, i + 2);
                        int v;
                        try {
                            v = Integer.parseInt(oct, 8);
                        } catch (NumberFormatException ex) {
                            return null;
                        }
                        if (v > 255) {
                            return null;
                        }
                        i += 2;
                        out.write(v);
                    } else {
                        return null;
                    }
                }
            }
        }
        return decodeKeepingInvalid(out.toByteArray());
    }

    /**
     * UTF-8 decode; an invalid byte b becomes U+DC00+b (a lone surrogate, like Python's surrogateescape) so
     * that validation can reject it and messages can show it as {@code \xNN}.
     */
    private static String decodeKeepingInvalid(byte[] b) {
        var dec = StandardCharsets.UTF_8.newDecoder();
        try {
            return dec.decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            StringBuilder sb = new StringBuilder();
            int i = 0;
            while (i < b.length) {
                int len = utf8Len(b, i);
                if (len <= 0) {
                    sb.append((char) (0xDC00 + (b[i] & 0xff)));
                    i++;
                } else {
                    sb.append(new String(b, i, len, StandardCharsets.UTF_8));
                    i += len;
                }
            }
            return sb.toString();
        }
    }

    private static int utf8Len(byte[] b, int i) {
        int c = b[i] & 0xff;
        int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : -1;
        if (n < 0 || i + n > b.length) {
            return -1;
        }
        for (int k = 1; k < n; k++) {
            if ((b[i + k] & 0xc0) != 0x80) {
                return -1;
            }
        }
        return n;
    }

    /** Whether the string is valid UTF-8 text (no escaped invalid byte, no lone surrogate). */
    public static boolean isValidUtf8(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** Go's {@code %q}: double-quoted with Go escapes; invalid bytes as {@code \xNN}. */
    public static String goQuote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c >= 0xDC80 && c <= 0xDCFF && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)))) {
                        sb.append(String.format("\\x%02x", c - 0xDC00));
                    } else if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** {@code [a-zA-Z_][a-zA-Z0-9_]*}: a label name that a query may write without quotes. */
    public static boolean isLegacyLabelName(String s) {
        return isLegacyName(s, false);
    }

    /** {@code [a-zA-Z_:][a-zA-Z0-9_:]*}: a metric name that a query may write without quotes. */
    public static boolean isLegacyMetricName(String s) {
        return isLegacyName(s, true);
    }

    private static boolean isLegacyName(String s, boolean colon) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (colon && c == ':')
                    || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}

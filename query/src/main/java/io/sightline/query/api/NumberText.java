package io.sightline.query.api;

/**
 * Formats sample values and timestamps exactly as Prometheus's JSON does, into a reused char buffer: no
 * allocation per number. Not thread-safe; one per response.
 *
 * <ul>
 *   <li>Timestamps (Prometheus {@code jsonutil.MarshalTimestamp}): Unix seconds, then {@code .} and exactly three
 *       digits of milliseconds when there are any: {@code 1435781451.781}, {@code 1.500}, {@code 12}.</li>
 *   <li>Values (Prometheus {@code jsonutil.MarshalFloat}, i.e. Go's {@code strconv.FormatFloat(v, 'f', -1, 64)},
 *       switching to {@code 'e'} below 1e-6 and from 1e21): shortest digits that read back as the same double,
 *       {@code NaN}, {@code +Inf}, {@code -Inf}, {@code 1e+21}, {@code 1.5e-07}.</li>
 * </ul>
 *
 * <p>Shortest digits come from the JDK (exact since JDK 19). One known difference from Go: for some subnormal
 * values, where a single digit would read back but a two-digit decimal is closer, the JDK prints two digits
 * ({@code 4.9e-324} where Go prints {@code 5e-324}).
 */
final class NumberText {
    /** The last formatted text is {@code buf[0..length)}. */
    final char[] buf = new char[40];
    private final StringBuilder jdk = new StringBuilder(32);
    private final char[] digits = new char[24];

    /** Formats a millisecond timestamp as Prometheus's seconds; returns the length in {@link #buf}. */
    int timestamp(long millis) {
        int n = 0;
        long t = millis;
        if (t < 0) {
            buf[n++] = '-';
            t = -t; // Long.MIN_VALUE stays negative; no real sample has it
        }
        n = appendLong(t / 1000, n);
        int fraction = (int) (t % 1000);
        if (fraction != 0) {
            buf[n++] = '.';
            buf[n++] = (char) ('0' + fraction / 100);
            buf[n++] = (char) ('0' + fraction / 10 % 10);
            buf[n++] = (char) ('0' + fraction % 10);
        }
        return n;
    }

    /** Formats a sample value as Prometheus does; returns the length in {@link #buf}. */
    int value(double v) {
        if (Double.isNaN(v)) {
            return put("NaN");
        }
        if (Double.isInfinite(v)) {
            return put(v > 0 ? "+Inf" : "-Inf");
        }
        int n = 0;
        if (Double.doubleToRawLongBits(v) < 0) {
            buf[n++] = '-'; // also for -0, as Go prints "-0"
            v = -v;
        }
        if (v < 1e15 && v == Math.rint(v)) {
            return appendLong((long) v, n);
        }
        int count = decimalDigits(v);
        int point = pointPosition;
        boolean exponent = v < 1e-6 || v >= 1e21;
        return exponent ? exponentForm(count, point, n) : fixedForm(count, point, n);
    }

    /**
     * Go's JSON encoding of a float64 field (used in query stats): like {@link #value} but unquoted, and an
     * exponent without a leading zero ({@code 1e-7}).
     */
    int jsonNumber(double v) {
        int n = value(v);
        if (n >= 4 && buf[n - 4] == 'e' && buf[n - 3] == '-' && buf[n - 2] == '0') {
            buf[n - 2] = buf[n - 1];
            n--;
        }
        return n;
    }

    private int pointPosition;

    /**
     * Fills {@link #digits} with the shortest significant digits of a finite positive {@code v} (no leading or
     * trailing zeros) and sets {@link #pointPosition}: value = 0.d1d2... * 10^pointPosition.
     */
    private int decimalDigits(double v) {
        jdk.setLength(0);
        jdk.append(v); // JDK 19+: shortest repr, without allocating a String
        int len = jdk.length();
        int e = indexOf('E', len);
        int mantissaEnd = e < 0 ? len : e;
        int count = 0;
        int point = -1;
        for (int i = 0; i < mantissaEnd; i++) {
            char c = jdk.charAt(i);
            if (c == '.') {
                point = count;
            } else {
                digits[count++] = c;
            }
        }
        if (point < 0) {
            point = count;
        }
        if (e >= 0) {
            point += parseExponent(e + 1, len);
        }
        int lead = 0;
        while (lead < count - 1 && digits[lead] == '0') {
            lead++;
        }
        if (lead > 0) {
            System.arraycopy(digits, lead, digits, 0, count - lead);
            count -= lead;
            point -= lead;
        }
        while (count > 1 && digits[count - 1] == '0') {
            count--;
        }
        pointPosition = point;
        return count;
    }

    private int fixedForm(int count, int point, int n) {
        if (point <= 0) {
            buf[n++] = '0';
            buf[n++] = '.';
            for (int i = point; i < 0; i++) {
                buf[n++] = '0';
            }
            for (int i = 0; i < count; i++) {
                buf[n++] = digits[i];
            }
            return n;
        }
        for (int i = 0; i < point; i++) {
            buf[n++] = i < count ? digits[i] : '0';
        }
        if (count > point) {
            buf[n++] = '.';
            for (int i = point; i < count; i++) {
                buf[n++] = digits[i];
            }
        }
        return n;
    }

    private int exponentForm(int count, int point, int n) {
        buf[n++] = digits[0];
        if (count > 1) {
            buf[n++] = '.';
            for (int i = 1; i < count; i++) {
                buf[n++] = digits[i];
            }
        }
        int exp = point - 1;
        buf[n++] = 'e';
        buf[n++] = exp < 0 ? '-' : '+';
        exp = Math.abs(exp);
        if (exp < 10) {
            buf[n++] = '0';
        }
        return appendLong(exp, n);
    }

    private int parseExponent(int from, int to) {
        boolean negative = jdk.charAt(from) == '-';
        int e = 0;
        for (int i = negative ? from + 1 : from; i < to; i++) {
            e = e * 10 + (jdk.charAt(i) - '0');
        }
        return negative ? -e : e;
    }

    private int indexOf(char c, int len) {
        for (int i = 0; i < len; i++) {
            if (jdk.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private int appendLong(long v, int n) {
        if (v == 0) {
            buf[n++] = '0';
            return n;
        }
        int start = n;
        while (v > 0) {
            buf[n++] = (char) ('0' + v % 10);
            v /= 10;
        }
        for (int i = start, j = n - 1; i < j; i++, j--) {
            char t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
        return n;
    }

    private int put(String s) {
        s.getChars(0, s.length(), buf, 0);
        return s.length();
    }
}

package dev.lexstream.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in configs and on the command line: a non-negative integer or decimal
 * number followed by {@code ms}, {@code s}, {@code m} or {@code h} ({@code 50ms}, {@code 1.5s},
 * {@code 2m}, {@code 1h}), or ISO-8601 ({@code PT0.05S}).
 */
public final class Durations {

    /** Describes the accepted forms; used in error messages. */
    static final String ALLOWED = "allowed: a number with unit ms, s, m or h (e.g. 50ms, 1.5s, 2m, 1h) "
            + "or ISO-8601 (e.g. PT0.05S)";

    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?|\\.\\d+)(ms|s|m|h)");

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException with a one-line message naming the allowed forms
     */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration; " + ALLOWED);
        }
        String s = text.strip();
        Matcher m = SIMPLE.matcher(s);
        if (m.matches()) {
            long unitNanos = switch (m.group(2)) {
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos))
                    .setScale(0, RoundingMode.HALF_UP);
            if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                throw tooLong(s);
            }
            return Duration.ofNanos(nanos.longValueExact());
        }
        if (s.length() > 1 && (s.charAt(0) == 'P' || s.charAt(0) == 'p')) {
            Duration d;
            try {
                d = Duration.parse(s);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + s + "' is not a duration; " + ALLOWED);
            }
            if (d.isNegative()) {
                throw new IllegalArgumentException("'" + s + "' is negative; " + ALLOWED);
            }
            try {
                d.toNanos(); // what the timers and punctuators take: beyond it they fail far from the config
            } catch (ArithmeticException e) {
                throw tooLong(s);
            }
            return d;
        }
        throw new IllegalArgumentException("'" + s + "' is not a duration; " + ALLOWED);
    }

    private static IllegalArgumentException tooLong(String s) {
        return new IllegalArgumentException("'" + s + "' is too long a duration; allowed: up to 2562047h");
    }

    /** Formats a duration in the shortest form {@link #parse} reads back ({@code 50ms}, {@code 2s}, ...). */
    public static String format(Duration d) {
        if (d.isNegative()) {
            return d.toString();
        }
        long nanos;
        try {
            nanos = d.toNanos();
        } catch (ArithmeticException e) {
            return d.toString();
        }
        if (nanos % 3_600_000_000_000L == 0 && nanos != 0) {
            return nanos / 3_600_000_000_000L + "h";
        }
        if (nanos % 60_000_000_000L == 0 && nanos != 0) {
            return nanos / 60_000_000_000L + "m";
        }
        if (nanos % 1_000_000_000L == 0 && nanos != 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        return d.toString();
    }
}

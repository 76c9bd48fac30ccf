package org.patientdocs.url;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The JSON format parameters of OData 4.01 that Olingo's content negotiation does not know, in an {@code Accept}
 * header or a {@code $format} option, rewritten into what it does (Olingo answers 406 to a media range with a
 * parameter it has not listed):
 * <ul>
 * <li>{@code metadata=…} (4.01 spelling) becomes {@code odata.metadata=…};</li>
 * <li>{@code streaming} / {@code odata.streaming} and {@code ExponentialDecimals} ({@code true} or {@code false})
 * are dropped: they allow a representation (control information late in the payload, decimals in exponential
 * notation) without requiring one, and the service writes the plain one, whose {@code Content-Type} says so.</li>
 * </ul>
 * Parameter names and values are compared ignoring case, as OData JSON specifies; every other parameter, an unknown
 * one included (which must be refused), and every other media type pass unchanged.
 */
public final class FormatParameters {

    private static final String JSON = "application/json";

    private FormatParameters() {
    }

    /** The media ranges (comma-separated, as in Accept) with the JSON format parameters Olingo knows. */
    public static String normalise(String mediaRanges) {
        if (mediaRanges == null || mediaRanges.indexOf(';') < 0 || mediaRanges.indexOf('"') >= 0) {
            return mediaRanges;
        }
        List<String> ranges = new ArrayList<>();
        for (String range : mediaRanges.split(",", -1)) {
            ranges.add(normaliseRange(range));
        }
        String normalised = String.join(",", ranges);
        return normalised.equals(mediaRanges) ? mediaRanges : normalised;
    }

    private static String normaliseRange(String range) {
        String[] parts = range.split(";", -1);
        if (!parts[0].trim().toLowerCase(Locale.ROOT).equals(JSON)) {
            return range;
        }
        StringBuilder out = new StringBuilder(parts[0]);
        boolean changed = false;
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i];
            int eq = parameter.indexOf('=');
            String name = (eq < 0 ? parameter : parameter.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : parameter.substring(eq + 1).trim().toLowerCase(Locale.ROOT);
            boolean flag = value.equals("true") || value.equals("false");
            if (flag && (name.equals("streaming") || name.equals("odata.streaming")
                    || name.equals("exponentialdecimals"))) {
                changed = true;
            } else if (name.equals("metadata") && eq >= 0) {
                out.append(";odata.metadata=").append(parameter.substring(eq + 1).trim());
                changed = true;
            } else {
                out.append(';').append(parameter);
            }
        }
        return changed ? out.toString() : range;
    }
}

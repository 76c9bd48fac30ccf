package org.patientdocs.url;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * URL forms clients send that Olingo does not parse, in the standard forms it does:
 * <ul>
 * <li>the spec's unquoted keys, {@code Patients(12345)} and {@code Documents(doc-abc123)}, become the quoted forms
 * ({@code Patients('12345')}); both keys are strings, so an unquoted key can only mean the string it spells;</li>
 * <li>a {@code +} in the query string means a space, as form encoding (curl's {@code --data-urlencode}, Python's
 * {@code requests}) writes it; a literal plus must be sent as {@code %2B}, as OData tells clients to.</li>
 * </ul>
 * Quoted and named keys and parameter aliases as keys pass unchanged. The names of system query options are made
 * canonical with the rest of the query's preparation ({@link QueryText#prepare}), which batch operations get too.
 */
public final class CanonicalUrls {

    private static final Pattern UNQUOTED_KEY = Pattern.compile("^(Patients|Documents)\\(([^'()=,]+)\\)$");

    private CanonicalUrls() {
    }

    /**
     * The query string with each {@code +} a space, as form encoding means it; the OData parser would read it as a
     * plus.
     */
    public static String query(String query) {
        return query == null ? null : query.replace("+", "%20");
    }

    /** The path with every unquoted string key quoted. */
    public static String path(String path) {
        if (path.indexOf('(') < 0) {
            return path;
        }
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            Matcher m = UNQUOTED_KEY.matcher(segments[i]);
            // A key starting with @ is a parameter alias (Patients(@k)?@k='12345'), which the parser resolves.
            if (m.matches() && !m.group(2).startsWith("%27") && !m.group(2).startsWith("@")
                    && !m.group(2).startsWith("%40")) {
                segments[i] = m.group(1) + "('" + m.group(2) + "')";
            }
        }
        return String.join("/", segments);
    }
}

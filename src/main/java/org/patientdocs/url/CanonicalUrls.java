package org.patientdocs.url;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * URL forms clients send that Olingo does not parse, in the standard forms it does:
 * <ul>
 * <li>the spec's unquoted keys, {@code Patients(12345)} and {@code Documents(doc-abc123)}, become the quoted forms
 * ({@code Patients('12345')}); both keys are strings, so an unquoted key can only mean the string it spells;</li>
 * <li>keys as segments (OData 4.01 URL Conventions 4.3.6, announced by {@code Capabilities.KeyAsSegmentSupported}):
 * {@code Patients/12345} and {@code Documents/doc-abc123/$value} become {@code Patients('12345')} and
 * {@code Documents('doc-abc123')/$value}, {@code AuditEvents/5} becomes {@code AuditEvents(5)}. The segment after a
 * collection is a key unless it is a system segment ({@code $count}, {@code $ref}, …) or a type cast (a name in the
 * model's namespace, {@code PatientDocs.Patient}): a patient whose id starts with {@code PatientDocs.} is addressed
 * with parentheses;</li>
 * <li>a {@code +} in the query string means a space, as form encoding (curl's {@code --data-urlencode}, Python's
 * {@code requests}) writes it; a literal plus must be sent as {@code %2B}, as OData tells clients to.</li>
 * </ul>
 * Quoted and named keys and parameter aliases as keys pass unchanged. The names of system query options are made
 * canonical with the rest of the query's preparation ({@link QueryText#prepare}), which batch operations get too.
 */
public final class CanonicalUrls {

    private static final Pattern UNQUOTED_KEY = Pattern.compile("^(Patients|Documents)\\(([^'()=,]+)\\)$");
    /** The segments that address a collection of entities: the entity sets, and a patient's documents. */
    private static final Pattern COLLECTION = Pattern.compile("Patients|Documents|AuditEvents");
    /** The model's namespace, which names type casts. */
    private static final String NAMESPACE = "PatientDocs.";
    /** The entity set whose key is a number ({@code Edm.Int64}); the others' keys are strings. */
    private static final String NUMBERED = "AuditEvents";

    private CanonicalUrls() {
    }

    /**
     * The query string with each {@code +} a space, as form encoding means it; the OData parser would read it as a
     * plus.
     */
    public static String query(String query) {
        return query == null ? null : query.replace("+", "%20");
    }

    /** The path with every key in parentheses, and every unquoted string key quoted. */
    public static String path(String path) {
        path = keysInParentheses(path);
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

    /** The path with each key written as a segment after a collection moved into parentheses after it. */
    private static String keysInParentheses(String path) {
        String[] segments = path.split("/", -1);
        List<String> canonical = new ArrayList<>();
        String collection = null;
        for (String segment : segments) {
            if (collection != null && isKey(segment)) {
                int last = canonical.size() - 1;
                canonical.set(last, canonical.get(last) + "(" + literal(collection, segment) + ")");
                collection = null;
                continue;
            }
            // a type cast keeps the collection a collection: Patients/PatientDocs.Patient/12345
            collection = COLLECTION.matcher(segment).matches() ? segment
                    : collection != null && segment.startsWith(NAMESPACE) ? collection : null;
            canonical.add(segment);
        }
        return canonical.size() == segments.length ? path : String.join("/", canonical);
    }

    /** Whether a segment after a collection is a key: not a system segment, a type cast, or one with parentheses. */
    private static boolean isKey(String segment) {
        return !segment.isEmpty() && !segment.startsWith("$") && !segment.startsWith("%24")
                && !segment.startsWith(NAMESPACE) && segment.indexOf('(') < 0 && segment.indexOf(')') < 0;
    }

    /** The key as the literal in parentheses: a number for audit events, a quoted string otherwise. */
    private static String literal(String collection, String key) {
        if (NUMBERED.equals(collection) && key.matches("-?[0-9]{1,19}")) {
            return key;
        }
        return "'" + key.replace("'", "''").replace("%27", "%27%27") + "'";
    }
}

package org.patientdocs.auth;

import java.text.ParseException;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.nimbusds.jwt.JWTClaimsSet;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.ServiceException.Unauthorized;

/**
 * The names tokens give the {@link Scope}s ({@code auth.scope.*}), and what a token's {@code scope} claim (a
 * space-separated string, RFC 9068) and {@code scp} claim (an array of strings, or a space-separated string as some
 * identity providers send it) grant. Names no permission has are ignored; several permissions may share a name.
 */
public final class ScopeNames {

    /** The names of {@link Scope#defaultName()}, as the bundled configuration has them. */
    public static final ScopeNames DEFAULT = new ScopeNames(defaults());

    /** What separates the scopes of a {@code scope} claim (RFC 6749 §3.3: spaces). */
    private static final Pattern SPACES = Pattern.compile(" +");

    static final String MALFORMED = "The access token's scope or scp claim must be a string or an array of strings";

    private final Map<Scope, String> names;

    private ScopeNames(Map<Scope, String> names) {
        this.names = Map.copyOf(names);
    }

    /** The configured names. */
    public static ScopeNames of(ServiceConfig.Auth.Scopes configured) {
        Map<Scope, String> names = new EnumMap<>(Scope.class);
        names.put(Scope.DOCUMENTS_READ, configured.documentsRead());
        names.put(Scope.DOCUMENTS_WRITE, configured.documentsWrite());
        names.put(Scope.DOCUMENTS_DELETE, configured.documentsDelete());
        names.put(Scope.PATIENTS_READ, configured.patientsRead());
        names.put(Scope.PATIENTS_WRITE, configured.patientsWrite());
        names.put(Scope.AUDIT_READ, configured.auditRead());
        return new ScopeNames(names);
    }

    private static Map<Scope, String> defaults() {
        Map<Scope, String> names = new EnumMap<>(Scope.class);
        for (Scope scope : Scope.values()) {
            names.put(scope, scope.defaultName());
        }
        return names;
    }

    /** The name tokens give the scope, as a challenge for it names it. */
    public String nameOf(Scope scope) {
        return names.get(scope);
    }

    /** The names of the scopes, space-separated, as a token's {@code scope} claim lists them. */
    public String claimOf(Collection<Scope> scopes) {
        return scopes.stream().map(names::get).distinct().collect(Collectors.joining(" "));
    }

    /** Every configured name, space-separated: a token granting all of them may do everything. */
    public String all() {
        return claimOf(EnumSet.allOf(Scope.class));
    }

    /**
     * The scopes a verified token grants through its {@code scope} and {@code scp} claims; none when it has neither.
     *
     * @throws Unauthorized (invalid_token) if either claim is neither a string nor an array of strings
     */
    public Set<Scope> granted(JWTClaimsSet claims) {
        Set<String> named = new HashSet<>();
        named.addAll(words(claims, "scope"));
        named.addAll(words(claims, "scp"));
        Set<Scope> granted = EnumSet.noneOf(Scope.class);
        names.forEach((scope, name) -> {
            if (named.contains(name)) {
                granted.add(scope);
            }
        });
        return granted;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ScopeNames that && names.equals(that.names);
    }

    @Override
    public int hashCode() {
        return names.hashCode();
    }

    @Override
    public String toString() {
        return names.toString();
    }

    private static List<String> words(JWTClaimsSet claims, String claim) {
        Object value = claims.getClaim(claim);
        if (value == null) {
            return List.of();
        }
        if (value instanceof String text) {
            return List.of(SPACES.split(text.trim()));
        }
        try {
            List<String> list = claims.getStringListClaim(claim);
            if (list != null) {
                return list;
            }
        } catch (ParseException e) {
            // reported below
        }
        throw Unauthorized.invalidToken(MALFORMED);
    }
}

package org.patientdocs.odata;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.olingo.commons.api.http.HttpHeader;
import org.apache.olingo.server.api.ODataRequest;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;
import org.patientdocs.url.FormatParameters;

/**
 * The request headers of every operation, alone or inside a {@code $batch}, before Olingo's dispatcher sees them:
 * what the service cannot honour is refused, and what it honours but Olingo would refuse is written in a form
 * Olingo reads as meaning the same.
 * <ul>
 * <li>{@code Isolation} / {@code OData-Isolation} is refused with 412, as OData requires of a service without
 * snapshot isolation: a result's pages are separate requests, read in separate transactions, so no snapshot holds
 * across them.</li>
 * <li>{@code Accept}: OData 4.01's JSON format parameters, see {@link FormatParameters}.</li>
 * <li>{@code Prefer: return=minimal} / {@code return=representation} on POST, PUT and PATCH: Olingo's dispatcher
 * refuses these exact header values on every request to a media entity (creating or changing a document), taking
 * them for requests to its stream. The service honours them ({@link EntityRequestProcessor}), so the value is
 * handed on quoted (and in lower case), {@code return="minimal"}, which RFC 7240 defines as the same preference and
 * Olingo's parser reads as such. On GET and DELETE Olingo's refusal (400) stays.</li>
 * </ul>
 */
public final class OperationHeaders {

    /** A {@code return} preference, whatever its value, among the preferences of a {@code Prefer} value. */
    private static final Pattern ANY_RETURN = Pattern.compile("(?i)(?:^|,)\\s*return\\s*(?:[=,;]|$)");
    private static final Pattern RETURN = Pattern.compile("(?i)((?:^|,)\\s*return\\s*=\\s*)(minimal|representation)"
            + "(?=\\s*(?:[,;]|$))");

    private OperationHeaders() {
    }

    /**
     * Why a request must not be processed at all, or null.
     *
     * @param headers a header's values by its name: none, empty or null when the request has none
     */
    public static ServiceException refusal(String method, Function<String, List<String>> headers) {
        if (present(headers.apply("Isolation")) || present(headers.apply(HttpHeader.ODATA_ISOLATION))) {
            return new ServiceException.PreconditionFailed("Isolation (OData-Isolation) is not supported: the "
                    + "service cannot answer a request, its batch or its pages from one snapshot; send the request "
                    + "without it");
        }
        List<String> prefer = headers.apply(HttpHeader.PREFER);
        if (!changesData(method) && present(prefer) && prefer.stream().anyMatch(value -> ANY_RETURN.matcher(value)
                .find())) {
            // Olingo refuses only the exact values return=minimal and return=representation, alone in the header
            return new ServiceException.BadRequest(ErrorCode.BAD_REQUEST, HttpHeader.PREFER, "The preference"
                    + " return is for creates and changes (POST, PUT, PATCH), not for a " + method);
        }
        return null;
    }

    private static boolean present(List<String> values) {
        return values != null && !values.isEmpty();
    }

    /** The values of a request header as Olingo should see them; the values themselves if unchanged. */
    public static List<String> forOlingo(String method, String name, List<String> values) {
        if (values == null) {
            return null;
        }
        if (name.equalsIgnoreCase(HttpHeader.ACCEPT)) {
            return values.stream().map(FormatParameters::normalise).toList();
        }
        if (name.equalsIgnoreCase(HttpHeader.PREFER) && changesData(method)) {
            // OData's grammar compares the values ignoring case, Olingo's parser does not
            return values.stream().map(value -> RETURN.matcher(value).replaceAll(
                    m -> Matcher.quoteReplacement(m.group(1) + '"' + m.group(2).toLowerCase(Locale.ROOT) + '"')))
                    .toList();
        }
        return values;
    }

    /** Checks an operation of a batch and rewrites its headers in place; the refusal for it, or null. */
    static ServiceException prepare(ODataRequest operation) {
        ServiceException refused = refusal(operation.getMethod().name(), operation::getHeaders);
        if (refused != null) {
            return refused;
        }
        for (String name : List.of(HttpHeader.ACCEPT, HttpHeader.PREFER)) {
            List<String> values = operation.getHeaders(name);
            List<String> rewritten = forOlingo(operation.getMethod().name(), name, values);
            if (values != null && !rewritten.equals(values)) {
                operation.setHeader(name, rewritten.get(0));
                rewritten.stream().skip(1).forEach(value -> operation.addHeader(name, value));
            }
        }
        return null;
    }

    private static boolean changesData(String method) {
        return switch (method.toUpperCase(Locale.ROOT)) {
            case "POST", "PUT", "PATCH" -> true;
            default -> false;
        };
    }
}

package org.patientdocs.odata;

import java.util.Locale;

import org.apache.olingo.commons.api.http.HttpHeader;
import org.apache.olingo.server.api.ODataRequest;

/** Questions about what the client asked for that Olingo's negotiation does not answer. */
final class Negotiation {

    private Negotiation() {
    }

    /** Whether the client named an {@code odata.metadata} level itself (in Accept or $format). */
    static boolean asksForMetadata(ODataRequest request) {
        String accept = request.getHeader(HttpHeader.ACCEPT);
        String query = request.getRawQueryPath();
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("odata.metadata")
                || query != null && query.toLowerCase(Locale.ROOT).contains("odata.metadata");
    }
}

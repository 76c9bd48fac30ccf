package org.patientdocs.odata;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.api.uri.queryoption.SkipTokenOption;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;
import org.patientdocs.query.CollectionQuery;

/**
 * Server-driven paging: a page holds at most {@link Services#PAGE_SIZE} entities; the next link repeats the request
 * with a {@code $skiptoken} that counts the entities already delivered.
 */
final class Paging {

    private static final String SKIPTOKEN = "$skiptoken";

    private Paging() {
    }

    /** How many entities earlier pages delivered, from the skip token (0 without one). */
    static int delivered(SkipTokenOption token) {
        if (token == null) {
            return 0;
        }
        String value = token.getValue();
        if (value != null && value.matches("[0-9]{1,9}")) {
            return Integer.parseInt(value);
        }
        throw new ServiceException.BadRequest(ErrorCode.INVALID_SKIPTOKEN, SKIPTOKEN,
                "The $skiptoken is not one this service issued");
    }

    /** The query options for what is left after the delivered entities. */
    static CollectionQuery.Options remaining(UriInfo uriInfo, int delivered) {
        Integer top = uriInfo.getTopOption() == null ? null : uriInfo.getTopOption().getValue();
        int skip = uriInfo.getSkipOption() == null ? 0 : uriInfo.getSkipOption().getValue();
        return new CollectionQuery.Options(uriInfo.getFilterOption(), uriInfo.getOrderByOption(),
                uriInfo.getSelectOption(), top == null ? null : Math.max(0, top - delivered), skip + delivered);
    }

    /** The request's own absolute URL with every option kept and the skip token set to {@code delivered}. */
    static URI nextLink(ODataRequest request, int delivered) {
        List<String> params = new ArrayList<>();
        String query = request.getRawQueryPath();
        if (query != null && !query.isEmpty()) {
            for (String param : query.split("&")) {
                String name = URLDecoder.decode(param.split("=", 2)[0], StandardCharsets.UTF_8);
                if (!param.isEmpty() && !name.equalsIgnoreCase(SKIPTOKEN)) {
                    params.add(param);
                }
            }
        }
        params.add(SKIPTOKEN + "=" + delivered);
        return URI.create(request.getRawBaseUri() + request.getRawODataPath() + "?" + String.join("&", params));
    }
}

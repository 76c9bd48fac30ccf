package org.patientdocs.odata;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import java.util.regex.Pattern;

import org.apache.olingo.commons.api.http.HttpHeader;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.ODataResponse;
import org.apache.olingo.server.api.prefer.PreferencesApplied;
import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.api.uri.queryoption.AliasQueryOption;
import org.apache.olingo.server.api.uri.queryoption.QueryOption;

/**
 * Server-driven paging: a page holds at most {@code query.max-page-size} entities, or fewer when the client prefers
 * ({@code Prefer: odata.maxpagesize=N}, answered with {@code Preference-Applied}); the next link
 * ({@link org.patientdocs.url.NextLinks}) repeats the request with every option and a keyset {@code $skiptoken} (see
 * {@link org.patientdocs.query.Keyset}).
 */
final class Paging {

    /** @param preferred whether the client asked for a page size, to be confirmed in Preference-Applied */
    record Size(int rows, boolean preferred) {
    }

    private static final Pattern UNPREFIXED_MAX_PAGE_SIZE =
            Pattern.compile("(^|[,\\s])(maxpagesize\\s*=)", Pattern.CASE_INSENSITIVE);

    private Paging() {
    }

    static Size pageSize(OData odata, ODataRequest request, int maxPageSize) {
        List<String> prefer = request.getHeaders(HttpHeader.PREFER);
        // OData 4.01: preferences may be written without their "odata." prefix; Olingo knows only the prefixed name.
        List<String> prefixed = prefer == null ? null : prefer.stream()
                .map(value -> UNPREFIXED_MAX_PAGE_SIZE.matcher(value).replaceAll("$1odata.$2")).toList();
        Integer preferred = odata.createPreferences(prefixed).getMaxPageSize();
        if (preferred == null || preferred <= 0) {
            return new Size(maxPageSize, false);
        }
        return new Size(Math.min(preferred, maxPageSize), true);
    }

    static void confirm(ODataResponse response, Size size) {
        if (size.preferred()) {
            response.setHeader(HttpHeader.PREFERENCE_APPLIED,
                    PreferencesApplied.with().maxPageSize(size.rows()).build().toValueString());
        }
    }

    /**
     * What a skip token must agree with: the resource path and the options that decide which rows come in which
     * order. A token presented with other values for them is stale.
     */
    static List<String> fingerprint(ODataRequest request, UriInfo uriInfo) {
        List<String> parts = new ArrayList<>();
        parts.add(request.getRawODataPath());
        parts.add(text(uriInfo.getFilterOption()));
        parts.add(text(uriInfo.getSearchOption()));
        parts.add(text(uriInfo.getOrderByOption()));
        TreeMap<String, String> aliases = new TreeMap<>();
        for (AliasQueryOption alias : uriInfo.getAliases()) {
            aliases.put(alias.getName(), alias.getText());
        }
        parts.add(aliases.toString());
        if (uriInfo.getApplyOption() != null) {
            // $apply, and $compute, which the parser reads as one
            parts.add(uriInfo.getApplyOption().getText());
        }
        return parts;
    }

    private static String text(QueryOption option) {
        return option == null ? null : option.getText();
    }
}

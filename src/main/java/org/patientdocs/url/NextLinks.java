package org.patientdocs.url;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code @odata.nextLink}s of server-driven paging: absolute URLs that repeat a request as the client wrote it
 * ({@link QueryText#restore}), with what tells the service where to continue. Text the client sent unencoded is
 * escaped, so every link is a valid URI.
 */
public final class NextLinks {

    private static final String SKIPTOKEN = "$skiptoken";
    private static final String SKIP = "$skip";
    private static final String TOP = "$top";

    private NextLinks() {
    }

    /**
     * The request's own URL with every option kept and the skip token replaced.
     *
     * @param baseUri       the service root, without a trailing slash
     * @param odataPath     the resource path after it, with its leading slash
     * @param preparedQuery the query string as {@link QueryText#prepare} gave it to the parser, or null
     * @param skiptoken     where the next page starts
     */
    public static URI page(String baseUri, String odataPath, String preparedQuery, String skiptoken) {
        List<String> params = new ArrayList<>();
        String query = QueryText.restore(preparedQuery);
        if (query != null && !query.isEmpty()) {
            for (String param : query.split("&")) {
                String name = PercentCoding.decode(param.split("=", 2)[0]);
                if (!param.isEmpty() && !SKIPTOKEN.equals(name == null ? null : QueryText.systemOption(name))) {
                    params.add(param);
                }
            }
        }
        params.add(SKIPTOKEN + "=" + skiptoken);
        return absolute(baseUri + odataPath + "?" + String.join("&", params));
    }

    /**
     * The URL of an expanded collection that continues after the entities delivered inline: the navigation's own URL
     * with the options the client gave it inside {@code $expand} and the request's parameter aliases.
     *
     * @param navigationUrl the absolute URL of the navigation ({@code …/Patients('12345')/Documents})
     * @param options       the options inside the {@code $expand} item, by name, as the parser saw them (decoded)
     * @param skip          how many entities the link skips
     * @param top           how many it may still deliver, or null when the client set no {@code $top}
     * @param aliases       the request's parameter aliases, by name, as the parser saw them (decoded)
     */
    public static URI expanded(String navigationUrl, Map<String, String> options, int skip, Integer top,
                               Map<String, String> aliases) {
        List<String> params = new ArrayList<>();
        options.forEach((name, value) -> {
            String option = QueryText.systemOption(name);
            if (!SKIP.equals(option) && !TOP.equals(option)) {
                params.add(PercentCoding.encode(name) + "=" + PercentCoding.encode(value));
            }
        });
        params.add(SKIP + "=" + skip);
        if (top != null) {
            params.add(TOP + "=" + top);
        }
        aliases.forEach((name, value) -> params.add(PercentCoding.encode(name) + "=" + PercentCoding.encode(value)));
        return absolute(navigationUrl + "?" + QueryText.restore(String.join("&", params)));
    }

    private static URI absolute(String text) {
        return URI.create(PercentCoding.escapeForUri(text));
    }
}

package org.patientdocs.odata;

import java.util.List;

import org.apache.olingo.commons.api.edm.Edm;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataLibraryException;
import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.api.uri.UriInfoKind;
import org.apache.olingo.server.api.uri.UriResource;
import org.apache.olingo.server.api.uri.UriResourceKind;
import org.apache.olingo.server.core.uri.parser.Parser;
import org.patientdocs.query.Target;

/**
 * What a request path addresses, decided before its query is prepared ({@code url.QueryText.prepare}), for the
 * servlet and both batch formats alike.
 */
public final class EntityPaths {

    private static final OData ODATA = OData.newInstance();

    private EntityPaths() {
    }

    /**
     * Whether a request reads one entity ({@code GET Documents('…')}, {@code Patients('1')},
     * {@code Documents('…')/Patient}): where the parser takes no {@code $apply}, so its {@code $compute} is carried
     * another way. False for a path that does not parse, which the handler then refuses.
     */
    public static boolean readsOneEntity(Edm edm, String method, String path) {
        if (!"GET".equals(method) && !"HEAD".equals(method) || path == null) {
            return false;
        }
        try {
            UriInfo uri = new Parser(edm, ODATA).parseUri(path, null, null, "");
            if (uri.getKind() != UriInfoKind.resource) {
                return false;
            }
            List<UriResource> parts = uri.getUriResourceParts();
            UriResourceKind last = parts.get(parts.size() - 1).getKind();
            return (last == UriResourceKind.entitySet || last == UriResourceKind.navigationProperty)
                    && !Target.of(uri).isCollection();
        } catch (ODataLibraryException | RuntimeException unparsable) {
            return false;
        }
    }
}

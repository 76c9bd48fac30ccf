package org.patientdocs.odata;

import java.util.ArrayList;
import java.util.List;

import org.apache.olingo.commons.api.edm.Edm;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.api.uri.UriResource;
import org.apache.olingo.server.core.uri.parser.Parser;
import org.apache.olingo.server.core.uri.parser.UriParserException;
import org.apache.olingo.server.core.uri.parser.UriParserSyntaxException;
import org.apache.olingo.server.core.uri.validator.UriValidationException;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;
import org.patientdocs.query.Target;

/**
 * The methods a resource supports, for {@code Allow} (the answer to OPTIONS, and every 405): decided by the
 * resource path's shape alone, as the processors decide what they accept. HEAD goes with every GET.
 */
public final class AllowedMethods {

    private static final OData ODATA = OData.newInstance();
    private static final List<String> READ = List.of("GET", "HEAD");
    private static final List<String> READ_AND_CREATE = List.of("GET", "HEAD", "POST");
    private static final List<String> ENTITY = List.of("GET", "HEAD", "PATCH", "PUT", "DELETE");

    private AllowedMethods() {
    }

    /**
     * The {@code Allow} value for a resource path, e.g. {@code GET, HEAD, POST, OPTIONS}.
     *
     * @throws ServiceException 404 for a path that names no resource, 400 for one that cannot be parsed, 501 for
     *                          a kind of resource the service does not serve
     */
    public static String of(Edm edm, String path) {
        UriInfo uri;
        try {
            uri = new Parser(edm, ODATA).parseUri(path, null, null, "");
        } catch (UriParserSyntaxException e) {
            throw new ServiceException.BadRequest(ErrorCode.BAD_REQUEST, null, "The URL cannot be parsed");
        } catch (UriParserException | UriValidationException e) {
            throw new ServiceException.NotFound("No such resource");
        }
        List<String> methods = new ArrayList<>(switch (uri.getKind()) {
            case service, metadata -> READ;
            case batch -> List.of("POST");
            case resource -> resource(uri);
            default -> throw notServed();
        });
        methods.add("OPTIONS");
        return String.join(", ", methods);
    }

    /**
     * The {@code Allow} value of a 405 for a resource path; null for a path that names no resource the service
     * serves, whose error says what is wrong with it rather than which methods it has.
     */
    public static String forRefusal(Edm edm, String path) {
        try {
            return of(edm, path);
        } catch (ServiceException e) {
            return null;
        }
    }

    private static List<String> resource(UriInfo uri) {
        List<UriResource> parts = uri.getUriResourceParts();
        Target target = Target.of(uri);
        return switch (parts.get(parts.size() - 1).getKind()) {
            // a reference is read; changing one is refused by the model's rule (400), whatever the method
            case value, count, primitiveProperty, ref -> READ;
            case entitySet, navigationProperty -> {
                if (Model.isAuditEvents(target.set())) {
                    yield READ;
                }
                if (target.key() != null) {
                    yield ENTITY;
                }
                // documents are created only by uploading them to their patient
                yield !target.isCollection() || Model.isDocuments(target.set()) && target.parent() == null
                        ? READ : READ_AND_CREATE;
            }
            default -> throw notServed();
        };
    }

    private static ServiceException notServed() {
        return new ServiceException.NotImplemented(ErrorCode.NOT_IMPLEMENTED, null,
                "The service does not serve this kind of resource");
    }
}

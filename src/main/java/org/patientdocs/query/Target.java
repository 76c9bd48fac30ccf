package org.patientdocs.query;

import java.util.List;

import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.apache.olingo.commons.api.edm.EdmNavigationProperty;
import org.apache.olingo.server.api.uri.UriInfoResource;
import org.apache.olingo.server.api.uri.UriParameter;
import org.apache.olingo.server.api.uri.UriResource;
import org.apache.olingo.server.api.uri.UriResourceEntitySet;
import org.apache.olingo.server.api.uri.UriResourceNavigation;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * What a resource path addresses, reduced to the shapes this service has: an entity set ({@code Patients}), one
 * entity by its key ({@code Patients('12345')}), or navigation from one entity, to a collection
 * ({@code Patients('12345')/Documents}), one of its members ({@code Patients('12345')/Documents('doc-1')}) or a
 * single entity ({@code Documents('doc-1')/Patient}), in as many steps as the path takes
 * ({@code Patients('12345')/Documents('doc-1')/Patient}: each step's entity must be reached through the one
 * before); each optionally followed by {@code $value}, {@code $count}, {@code $ref} or a property, which the
 * dispatcher has already decided on.
 *
 * @param set        the entity set of the addressed entities
 * @param key        the addressed entity's key, or null; a key of another type than string as its literal
 * @param parent     the entity the path navigates from (itself a target, with its key or reached through its own
 *                   parent), or null
 * @param navigation the navigation property followed from the parent, or null
 */
public record Target(EdmEntitySet set, String key, Target parent, EdmNavigationProperty navigation) {

    /** Whether the path addresses a collection rather than one entity. */
    public boolean isCollection() {
        return key == null && (navigation == null || navigation.isCollection());
    }

    public static Target of(UriInfoResource uriInfo) {
        List<UriResource> parts = uriInfo.getUriResourceParts().stream()
                .filter(p -> p instanceof UriResourceEntitySet || p instanceof UriResourceNavigation)
                .toList();
        if (parts.isEmpty() || !(parts.get(0) instanceof UriResourceEntitySet root)) {
            throw new ServiceException.NotImplemented(ErrorCode.NOT_IMPLEMENTED, null,
                    "This kind of resource path is not supported");
        }
        Target target = new Target(root.getEntitySet(), key(root.getKeyPredicates()), null, null);
        for (UriResource part : parts.subList(1, parts.size())) {
            if (!(part instanceof UriResourceNavigation nav) || target.isCollection()) {
                // the parser lets no navigation follow a collection; anything else here is a shape of no meaning
                throw new ServiceException.NotImplemented(ErrorCode.NOT_IMPLEMENTED, null,
                        "This kind of resource path is not supported");
            }
            EdmEntitySet targetSet = (EdmEntitySet) target.set().getRelatedBindingTarget(nav.getProperty().getName());
            target = new Target(targetSet, key(nav.getKeyPredicates()), target, nav.getProperty());
        }
        return target;
    }

    private static String key(List<UriParameter> predicates) {
        if (predicates == null || predicates.isEmpty()) {
            return null;
        }
        return Literals.key(predicates.get(0));
    }
}

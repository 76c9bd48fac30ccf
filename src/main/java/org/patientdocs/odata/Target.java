package org.patientdocs.odata;

import java.util.List;

import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.apache.olingo.server.api.uri.UriInfoResource;
import org.apache.olingo.server.api.uri.UriParameter;
import org.apache.olingo.server.api.uri.UriResource;
import org.apache.olingo.server.api.uri.UriResourceEntitySet;
import org.apache.olingo.server.api.uri.UriResourceNavigation;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * What a resource path addresses, reduced to the shapes this service has:
 * {@code Patients}, {@code Patients(id)}, {@code Patients(id)/Documents}, {@code Patients(id)/Documents(id)},
 * {@code Documents}, {@code Documents(id)} and {@code Documents(id)/Patient}, each optionally followed by
 * {@code $value} or {@code $count}, which the dispatcher has already decided on.
 *
 * @param set          the entity set of the addressed entities
 * @param key          the addressed entity's key, or null for a collection
 * @param patientScope for documents reached through a patient: that patient's id (the document must belong to it)
 * @param viaDocument  for {@code Documents(id)/Patient}: the document whose patient is addressed
 */
public record Target(EdmEntitySet set, String key, String patientScope, String viaDocument) {

    public boolean isDocuments() {
        return Model.DOCUMENTS.equals(set.getName());
    }

    public boolean isCollection() {
        return key == null && viaDocument == null;
    }

    public static Target of(UriInfoResource uriInfo) {
        List<UriResource> parts = uriInfo.getUriResourceParts().stream()
                .filter(p -> p instanceof UriResourceEntitySet || p instanceof UriResourceNavigation)
                .toList();
        if (parts.isEmpty() || !(parts.get(0) instanceof UriResourceEntitySet root)) {
            throw new ServiceException.NotImplemented(ErrorCode.NOT_IMPLEMENTED, null,
                    "This kind of resource path is not supported");
        }
        String rootKey = key(root.getKeyPredicates());
        if (parts.size() == 1) {
            return new Target(root.getEntitySet(), rootKey, null, null);
        }
        if (parts.size() == 2 && parts.get(1) instanceof UriResourceNavigation nav && rootKey != null) {
            EdmEntitySet targetSet = (EdmEntitySet) root.getEntitySet()
                    .getRelatedBindingTarget(nav.getProperty().getName());
            if (Model.PATIENTS.equals(root.getEntitySet().getName())) {
                return new Target(targetSet, key(nav.getKeyPredicates()), rootKey, null);
            }
            return new Target(targetSet, null, null, rootKey);
        }
        throw new ServiceException.NotImplemented(ErrorCode.NOT_IMPLEMENTED, null,
                "Navigation deeper than one step is not supported");
    }

    private static String key(List<UriParameter> predicates) {
        if (predicates == null || predicates.isEmpty()) {
            return null;
        }
        return Literals.stringKey(predicates.get(0));
    }
}

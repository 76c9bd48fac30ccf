package org.patientdocs.server;

import java.util.HashSet;
import java.util.Set;

import org.apache.olingo.commons.api.edm.Edm;
import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.apache.olingo.commons.api.edm.EdmEntityType;

/**
 * Reduces a request path to its shape for the log, e.g. {@code /Patients({id})/Documents({id})/$value}: keys become
 * {@code {id}} and any segment that is not a name from the model or a known OData segment becomes {@code {?}}, so
 * no patient id, document id or file name ever reaches a log.
 */
final class RouteTemplates {

    private static final Set<String> ODATA_SEGMENTS =
            Set.of("$value", "$count", "$metadata", "$batch", "$ref", "$all", "$entity", "$crossjoin");

    private final Set<String> names;

    RouteTemplates(Edm edm) {
        Set<String> known = new HashSet<>(ODATA_SEGMENTS);
        known.add("vocabularies");
        known.add("uploads");
        known.addAll(VocabularyServlet.NAMES);
        for (EdmEntitySet set : edm.getEntityContainer().getEntitySets()) {
            known.add(set.getName());
            EdmEntityType type = set.getEntityType();
            known.addAll(type.getPropertyNames());
            known.addAll(type.getNavigationPropertyNames());
        }
        this.names = Set.copyOf(known);
    }

    String of(String path) {
        if (path == null || path.isEmpty() || path.equals("/")) {
            return "/";
        }
        StringBuilder out = new StringBuilder();
        for (String segment : path.substring(1).split("/", -1)) {
            out.append('/');
            int paren = segment.indexOf('(');
            String name = paren < 0 ? segment : segment.substring(0, paren);
            out.append(names.contains(name) ? name : "{?}");
            if (paren >= 0) {
                out.append("({id})");
            }
        }
        return out.toString();
    }
}

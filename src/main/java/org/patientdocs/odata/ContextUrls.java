package org.patientdocs.odata;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.olingo.commons.api.data.ContextURL;
import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.commons.api.edm.EdmNavigationProperty;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.serializer.SerializerException;
import org.apache.olingo.server.api.uri.UriResource;
import org.apache.olingo.server.api.uri.UriResourceNavigation;
import org.apache.olingo.server.api.uri.queryoption.ExpandItem;
import org.apache.olingo.server.api.uri.queryoption.ExpandOption;
import org.apache.olingo.server.api.uri.queryoption.SelectOption;
import org.patientdocs.query.ComputedValues;
import org.patientdocs.query.Expanded;
import org.patientdocs.query.Page;

/**
 * The {@code @odata.context} of entity and collection responses, built in one place: {@code $metadata#Set}, or
 * {@code $metadata#Set(a,b)} for a {@code $select}, with {@code /$entity} for a single entity; {@code $metadata#$ref}
 * for references. The responses say
 * {@code OData-Version: 4.0}, so expanded navigation properties follow the 4.0 rule (OData 4.01 Protocol, "Collection
 * of Expanded Entities"): one with a nested {@code $select} or {@code $expand} appears with its own list,
 * {@code Documents(id,file_name,Patient(id,last_name))}; one without is omitted. The 4.01 form {@code Nav()} for the
 * latter is what Power Query and the Microsoft OData client reject.
 */
final class ContextUrls {

    private ContextUrls() {
    }

    static ContextURL collection(OData odata, ODataRequest request, EdmEntitySet set, ExpandOption expand,
                                 SelectOption select) throws SerializerException {
        return of(odata, request, set, expand, select, null).build();
    }

    /**
     * As {@link #collection(OData, ODataRequest, EdmEntitySet, ExpandOption, SelectOption)}, where the entities or
     * items of the {@code $expand} may compute properties ({@code $compute}): then the list names what the answer
     * shows of those entities, each property by name, the computed ones after the declared ones.
     *
     * @param page what the query service read: the entities' computed properties and the expand's items
     */
    static ContextURL collection(OData odata, ODataRequest request, EdmEntitySet set, ExpandOption expand,
                                 SelectOption select, Page page) throws SerializerException {
        return of(odata, request, set, expand, select, page).build();
    }

    static ContextURL entity(OData odata, ODataRequest request, EdmEntitySet set, ExpandOption expand,
                             SelectOption select) throws SerializerException {
        return of(odata, request, set, expand, select, null).suffix(ContextURL.Suffix.ENTITY).build();
    }

    /** As {@link #collection(OData, ODataRequest, EdmEntitySet, ExpandOption, SelectOption, Page)}, of one entity. */
    static ContextURL entity(OData odata, ODataRequest request, EdmEntitySet set, ExpandOption expand,
                             SelectOption select, Page page) throws SerializerException {
        return of(odata, request, set, expand, select, page).suffix(ContextURL.Suffix.ENTITY).build();
    }

    /**
     * The context of an answer of entity references: {@code $metadata#$ref}, or {@code $metadata#Collection($ref)}
     * for a collection's.
     */
    static ContextURL references(ODataRequest request, boolean collection) {
        ContextURL.Builder builder = ContextURL.with().serviceRoot(URI.create(request.getRawBaseUri() + "/"))
                .suffix(ContextURL.Suffix.REFERENCE);
        return (collection ? builder.asCollection() : builder).build();
    }

    private static ContextURL.Builder of(OData odata, ODataRequest request, EdmEntitySet set, ExpandOption expand,
                                         SelectOption select, Page page) throws SerializerException {
        EdmEntityType type = set.getEntityType();
        List<Expanded> expanded = page == null ? List.of() : page.expanded();
        return ContextURL.with()
                .serviceRoot(URI.create(request.getRawBaseUri() + "/"))
                .entitySet(set)
                .selectList(page != null && !page.computed().names().isEmpty()
                        ? computedList(odata, type, page.selected(), page.computed(), expand, expanded)
                        : selectList(odata, type, expand, select, expanded));
    }

    /** The select list of the 4.0 form, or null when the response holds every property and nothing is nested. */
    private static String selectList(OData odata, EdmEntityType type, ExpandOption expand, SelectOption select,
                                     List<Expanded> expanded) throws SerializerException {
        List<String> items = new ArrayList<>();
        String selected = odata.createUriHelper().buildContextURLSelectList(type, null, select);
        if (selected != null) {
            items.add(selected);
        }
        if (expand != null) {
            for (ExpandItem item : expand.getExpandItems()) {
                EdmNavigationProperty navigation = navigation(item);
                if (navigation == null || item.isRef()) {
                    continue;
                }
                Expanded read = expanded.stream().filter(e -> e.navigation().name().equals(navigation.getName()))
                        .findFirst().orElse(null);
                List<Expanded> below = read == null ? List.of() : read.nested();
                String nested = read != null && item.getApplyOption() != null
                        ? computedList(odata, navigation.getType(), read.selected(), read.computed(),
                        item.getExpandOption(), read.nested())
                        : selectList(odata, navigation.getType(), item.getExpandOption(), item.getSelectOption(),
                        below);
                if (nested != null) {
                    items.add(navigation.getName() + "(" + nested + ")");
                }
            }
        }
        return items.isEmpty() ? null : String.join(",", items);
    }

    /** What the answer shows of entities with computed properties: each property by name, then the expanded. */
    private static String computedList(OData odata, EdmEntityType type, Set<String> selected, ComputedValues computed,
                                       ExpandOption expand, List<Expanded> expanded) throws SerializerException {
        List<String> names = new ArrayList<>();
        type.getPropertyNames().stream().filter(selected::contains).forEach(names::add);
        names.addAll(computed.names());
        String nested = selectList(odata, type, expand, null, expanded);
        if (nested != null) {
            names.add(nested);
        }
        return String.join(",", names);
    }

    /** The navigation property an expand item names; null for {@code *}, which carries no nested options. */
    private static EdmNavigationProperty navigation(ExpandItem item) {
        if (item.isStar() || item.getResourcePath() == null) {
            return null;
        }
        List<UriResource> parts = item.getResourcePath().getUriResourceParts();
        return parts.size() == 1 && parts.get(0) instanceof UriResourceNavigation navigation
                ? navigation.getProperty() : null;
    }
}

package org.patientdocs.odata;

import java.net.URI;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.olingo.commons.api.data.Entity;
import org.apache.olingo.commons.api.data.EntityCollection;
import org.apache.olingo.commons.api.data.Link;
import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.uri.queryoption.AliasQueryOption;
import org.patientdocs.query.Expanded;
import org.patientdocs.query.Row;
import org.patientdocs.url.ExpandText;
import org.patientdocs.url.NextLinks;

/**
 * The expanded navigations the query service read, as the answer shows them: as inline links of Olingo's entities,
 * level by level, for the answers Olingo writes, and as the next link of each expanded collection that continues, for
 * every answer. A next link leads to the navigation's own URL with the expand's options as the client wrote them
 * (the parser keeps no text of the options inside {@code $expand}).
 */
final class Expansion {

    /** Where an expanded navigation's next links start: its parents' entity set, and its item's options as text. */
    private record Origin(EdmEntitySet parents, Map<String, String> text) {
    }

    private final OData odata;
    private final ODataRequest request;
    private final List<AliasQueryOption> aliases;
    private final List<Expanded> expanded;
    private final Map<Expanded, Origin> origins = new IdentityHashMap<>();

    /**
     * @param set      the entity set of the rows expanded at the first level
     * @param expanded what the query service read for them
     * @param text     the $expand value as the client wrote it
     */
    Expansion(OData odata, ODataRequest request, List<AliasQueryOption> aliases, EdmEntitySet set,
              List<Expanded> expanded, String text) {
        this.odata = odata;
        this.request = request;
        this.aliases = aliases;
        this.expanded = expanded;
        remember(set, expanded, text);
    }

    private void remember(EdmEntitySet parents, List<Expanded> level, String text) {
        Map<String, Map<String, String>> items = ExpandText.clientItems(text);
        for (Expanded navigation : level) {
            Map<String, String> itemText = navigation.options() == null ? Map.of()
                    : items.getOrDefault(path(navigation), Map.of());
            origins.put(navigation, new Origin(parents, itemText));
            remember(navigation.set(), navigation.nested(), itemText.get("$expand"));
        }
    }

    /** The path of the navigation's item in {@code $expand}: its name, followed by {@code /$ref} for references. */
    private static String path(Expanded navigation) {
        return navigation.navigation().name() + (navigation.options() != null && navigation.options().isRef()
                ? "/$ref" : "");
    }

    /** Adds the expanded navigations to the entities, which were built from the expanded rows in the same order. */
    void attach(List<Entity> entities) {
        attach(entities, expanded);
    }

    private void attach(List<Entity> entities, List<Expanded> level) {
        for (Expanded navigation : level) {
            List<Entity> targets = new ArrayList<>();
            for (int i = 0; i < entities.size(); i++) {
                targets.addAll(attach(entities.get(i), navigation, navigation.inline().get(i)));
            }
            attach(targets, navigation.nested());
        }
    }

    /** Adds one navigation to one parent entity; answers the target entities. */
    private List<Entity> attach(Entity parent, Expanded navigation, Expanded.Inline inline) {
        String name = navigation.navigation().name();
        Link link = new Link();
        link.setTitle(name);
        link.setRel(name);
        // Clients (Olingo's among them) resolve an inline entity against its navigation link.
        link.setHref(parent.getId() + "/" + name);
        List<Entity> targets = new ArrayList<>();
        boolean references = navigation.options() != null && navigation.options().isRef();
        for (Row row : inline.rows()) {
            targets.add(references ? Entities.referenceFromRow(odata, navigation.set(), row)
                    : Entities.fromRow(odata, navigation.set(), row, navigation.selected()));
        }
        if (navigation.navigation().collection()) {
            EntityCollection collection = new EntityCollection();
            collection.getEntities().addAll(targets);
            if (inline.count() != null) {
                collection.setCount(inline.count().intValue());
            }
            collection.setNext(inline.next() == null ? null
                    : nextLink(navigation, parent.getId().toString(), inline.next()));
            link.setInlineEntitySet(collection);
        } else if (!targets.isEmpty()) {
            link.setInlineEntity(targets.get(0));
        }
        parent.getNavigationLinks().add(link);
        return targets;
    }

    /** The navigation's own URL with the expand's options, continuing after the rows delivered inline. */
    URI nextLink(Expanded navigation, Row parent, Expanded.Continuation next) {
        return nextLink(navigation, Entities.canonicalUrl(odata, origins.get(navigation).parents(), parent), next);
    }

    /** @param parent the parent's canonical URL, relative to the service root */
    private URI nextLink(Expanded navigation, String parent, Expanded.Continuation next) {
        Origin origin = origins.get(navigation);
        Map<String, String> aliasTexts = new LinkedHashMap<>();
        for (AliasQueryOption alias : aliases) {
            if (alias.getText() != null) {
                aliasTexts.put(alias.getName(), alias.getText());
            }
        }
        return NextLinks.expanded(request.getRawBaseUri() + "/" + parent + "/" + path(navigation),
                origin.text(), next.skip(), next.top(), aliasTexts);
    }
}

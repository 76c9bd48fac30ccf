package org.patientdocs.odata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.olingo.commons.api.edm.Edm;
import org.apache.olingo.commons.api.edm.EdmEntityContainer;
import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.commons.api.edm.EdmNamed;
import org.apache.olingo.commons.api.edm.EdmSchema;
import org.junit.jupiter.api.Test;

/** The model as the service loads it from {@code edm/documents.xml}. */
class EdmLoaderTest {

    /**
     * OData 4.01 Protocol 13.2.1, item 11: no identifiers within one uniqueness scope (a schema, a structural type,
     * the entity container) that differ only by case, so that clients matching names case-insensitively find one.
     */
    @Test
    void noTwoNamesOfOneScopeDifferOnlyInCase() {
        Edm edm = EdmLoader.load().getEdm();
        EdmSchema schema = edm.getSchema(EdmLoader.NAMESPACE);
        List<List<String>> scopes = new ArrayList<>();
        List<String> schemaNames = new ArrayList<>(names(schema.getEntityTypes()));
        schemaNames.addAll(names(schema.getComplexTypes()));
        schemaNames.addAll(names(schema.getEnumTypes()));
        schemaNames.addAll(names(schema.getTypeDefinitions()));
        schemaNames.addAll(names(schema.getTerms()));
        schemaNames.addAll(names(schema.getFunctions()));
        schemaNames.addAll(names(schema.getActions()));
        schemaNames.add(schema.getEntityContainer().getName());
        scopes.add(schemaNames);
        for (EdmEntityType type : schema.getEntityTypes()) {
            List<String> members = new ArrayList<>(type.getPropertyNames());
            members.addAll(type.getNavigationPropertyNames());
            scopes.add(members);
        }
        EdmEntityContainer container = schema.getEntityContainer();
        List<String> children = new ArrayList<>(names(container.getEntitySets()));
        children.addAll(names(container.getSingletons()));
        children.addAll(names(container.getFunctionImports()));
        children.addAll(names(container.getActionImports()));
        scopes.add(children);

        assertTrue(scopes.get(0).contains("Patient") && scopes.get(scopes.size() - 1).contains("Documents"));
        for (List<String> scope : scopes) {
            Map<String, List<String>> byFoldedName = scope.stream()
                    .collect(Collectors.groupingBy(name -> name.toLowerCase(Locale.ROOT)));
            byFoldedName.values().forEach(same -> assertEquals(1, same.size(), "names differing in case: " + same));
        }
    }

    private static List<String> names(List<? extends EdmNamed> elements) {
        return elements.stream().map(EdmNamed::getName).toList();
    }
}

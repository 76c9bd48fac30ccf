package org.patientdocs.bench;

import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One representative request and what its answer must show, checked once before it is timed: a benchmark of a
 * request the service answers wrongly (say, an option it ignores) measures nothing.
 *
 * @param url   relative to the service root, percent-encoded as sent
 * @param check the problem with a 200 answer's JSON body, or null when it is right
 */
record Scenario(String name, String url, Function<JsonNode, String> check) {

    /** Every entity of the answer's {@code value} must pass; there must be at least one. */
    static Function<JsonNode, String> everyEntity(String rule, Predicate<JsonNode> test) {
        return body -> {
            JsonNode value = body.get("value");
            if (value == null || value.isEmpty()) {
                return "no entities in the answer";
            }
            for (JsonNode entity : value) {
                if (!test.test(entity)) {
                    return "an entity breaks the rule '" + rule + "': " + entity;
                }
            }
            return null;
        };
    }

    /** Also requires {@code @odata.count}. */
    static Function<JsonNode, String> counted(Function<JsonNode, String> check) {
        return body -> body.has("@odata.count") ? check.apply(body) : "no @odata.count in the answer";
    }

    static boolean mentions(JsonNode entity, String word) {
        for (String property : new String[] {"file_name", "description", "document_type"}) {
            JsonNode text = entity.get(property);
            if (text != null && text.asText().toLowerCase(Locale.ROOT).contains(word)) {
                return true;
            }
        }
        return false;
    }
}

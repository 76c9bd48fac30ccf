package org.patientdocs.query;

import java.util.Set;

/**
 * The one entity a request addresses, as {@link QueryService#entity(org.patientdocs.auth.Caller,
 * org.apache.olingo.server.api.uri.UriInfo, Set)} reads it.
 *
 * @param row      the entity
 * @param selected the properties the client selected, the key among them; the row may hold more, read for the
 *                 service
 * @param computed the computed properties ({@code $compute}) the row carries
 */
public record Single(Row row, Set<String> selected, ComputedValues computed) {
}

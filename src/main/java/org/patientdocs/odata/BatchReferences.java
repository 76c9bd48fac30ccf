package org.patientdocs.odata;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.olingo.commons.api.http.HttpHeader;
import org.apache.olingo.server.api.ODataRequest;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * What the earlier requests of one {@code $batch} answered, as later requests may use it: which failed (a request
 * depending on one answers 424), and the entity each one created or returned, which a later request names with
 * {@code $<id>}: as the first segment of its URL ({@code $1/Documents}: the entity's URL, its {@code Location}) or as
 * its {@code If-Match} / {@code If-None-Match} ({@code $1}: the ETag of the answer). A reference names an earlier
 * request the referring one depends on (JSON: listed, or its atomicity group listed, in {@code dependsOn};
 * multipart: any earlier request); anything else is a 400 naming it. One instance serves one batch.
 */
final class BatchReferences {

    /** Top-level resources whose names win over a request identifier that looks the same (OData 4.01, 11.7.4). */
    private static final Set<String> SYSTEM_RESOURCES =
            Set.of("$batch", "$crossjoin", "$all", "$entity", "$root", "$id", "$metadata");

    /** What a later request may take from an answer: the URL path of its entity and its ETag, each possibly null. */
    private record Target(String path, String etag) {
    }

    /** The group of every request run so far ("" for none), by identifier. */
    private final Map<String, String> groups = new HashMap<>();
    private final Map<String, Target> targets = new HashMap<>();
    private final Set<String> failed = new HashSet<>();

    /** The first of {@code names} (identifiers or groups) whose request failed, or null. */
    String firstFailed(List<String> names) {
        return names == null ? null : names.stream().filter(failed::contains).findFirst().orElse(null);
    }

    /**
     * Replaces the request's references by what they name.
     *
     * @throws ServiceException.BadRequest       for a reference to no earlier request it depends on, or to an answer
     *                                           without the value asked for
     * @throws ServiceException.FailedDependency for a reference to a request that failed
     */
    void resolve(BatchOperation operation, ODataRequest request) {
        String path = request.getRawODataPath() == null ? "" : request.getRawODataPath();
        int end = path.indexOf('/', 1);
        String first = path.isEmpty() ? "" : path.substring(1, end < 0 ? path.length() : end);
        if (isReference(first)) {
            Target target = target(operation, first, "The URL");
            if (target.path() == null) {
                throw invalid(first, "The URL refers to " + first + ", whose answer names no entity");
            }
            String resolved = target.path() + (end < 0 ? "" : path.substring(end));
            String query = request.getRawQueryPath();
            request.setRawODataPath(resolved);
            request.setRawRequestUri(request.getRawBaseUri() + resolved
                    + (query == null || query.isEmpty() ? "" : "?" + query));
        }
        for (String header : List.of(HttpHeader.IF_MATCH, HttpHeader.IF_NONE_MATCH)) {
            String value = request.getHeader(header);
            if (value != null && isReference(value.trim())) {
                Target target = target(operation, value.trim(), header);
                if (target.etag() == null) {
                    throw invalid(value.trim(), header + " refers to " + value.trim() + ", whose answer has no ETag");
                }
                request.setHeader(header, target.etag());
            }
        }
    }

    /** Notes a request's answer: a success may be referred to, a failure fails those that depend on it. */
    void answered(BatchAnswer answer) {
        BatchOperation operation = answer.operation();
        if (operation.id() == null) {
            return;
        }
        groups.put(operation.id(), operation.group() == null ? "" : operation.group());
        if (answer.failed()) {
            failed.add(operation.id());
            return;
        }
        String location = answer.header(HttpHeader.LOCATION);
        String etag = answer.header(HttpHeader.ETAG);
        ODataRequest request = operation.request();
        String path = location != null && location.startsWith(request.getRawBaseUri() + "/")
                ? location.substring(request.getRawBaseUri().length())
                // no Location: a request whose answer is one entity (it has an ETag) addressed that entity
                : location == null && etag != null ? request.getRawODataPath() : null;
        targets.put(operation.id(), new Target(path, etag));
    }

    /** Notes that a group failed: none of its requests took effect, so each of them failed. */
    void groupFailed(String group, List<BatchOperation> members) {
        failed.add(group);
        for (BatchOperation member : members) {
            if (member.id() != null) {
                groups.put(member.id(), group);
                failed.add(member.id());
                targets.remove(member.id());
            }
        }
    }

    private static boolean isReference(String text) {
        return text.length() > 1 && text.charAt(0) == '$' && !SYSTEM_RESOURCES.contains(text)
                && !text.startsWith("$crossjoin(");
    }

    private Target target(BatchOperation operation, String reference, String where) {
        String id = reference.substring(1);
        String group = groups.get(id);
        boolean dependedOn = operation.dependsOn() == null
                || operation.dependsOn().contains(id) || group != null && operation.dependsOn().contains(group);
        if (group == null || !dependedOn) {
            throw invalid(reference, where + " refers to " + reference + ", which names no earlier request this one"
                    + (operation.dependsOn() == null ? "" : " lists in dependsOn"));
        }
        if (failed.contains(id)) {
            throw new ServiceException.FailedDependency(reference,
                    where + " refers to " + reference + ", which failed");
        }
        return targets.get(id);
    }

    private static ServiceException invalid(String reference, String message) {
        return new ServiceException.BadRequest(ErrorCode.BATCH_INVALID_REFERENCE, reference, message);
    }
}

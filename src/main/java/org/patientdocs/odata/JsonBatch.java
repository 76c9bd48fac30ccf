package org.patientdocs.odata;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.olingo.commons.api.http.HttpHeader;
import org.apache.olingo.commons.api.http.HttpMethod;
import org.apache.olingo.server.api.ODataRequest;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * The JSON batch format of OData 4.01 ({@code POST $batch} with {@code Content-Type: application/json}), which Olingo
 * does not parse: read here, run by {@link BatchExecution} under the {@link BatchRules} the multipart format follows
 * too, and answered here. Every request is processed unless the batch prefers {@code continue-on-error=false}, which
 * stops it after the first failure (OData 4.01 JSON format, 19.5). The format exists only in OData 4.01, so a client
 * that declares its request 4.0 or accepts no answer above 4.0 is refused (400).
 */
public final class JsonBatch {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    private static final Set<String> BATCH_MEMBERS = Set.of("requests");
    private static final Set<String> REQUEST_MEMBERS = Set.of("id", "method", "url", "atomicityGroup", "dependsOn",
            "if", "headers", "body");
    private static final Pattern VERSION = Pattern.compile("\\s*([0-9]{1,3}\\.[0-9]{1,3})\\s*");
    private static final BigDecimal V401 = new BigDecimal("4.01");

    private final BatchRules rules;
    private final BatchExecution execution;

    /** @param execution runs this batch's operations (one execution serves one batch) */
    JsonBatch(BatchRules rules, BatchExecution execution) {
        this.rules = rules;
        this.execution = execution;
    }

    /** Whether a request is a JSON batch. */
    public static boolean isJsonBatch(String method, String path, String contentType) {
        return "POST".equals(method) && "/$batch".equals(path) && contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith("application/json");
    }

    /**
     * Runs the batch and writes its answer.
     *
     * @param baseUri the service root as the client sees it, without a trailing slash
     */
    public void process(HttpServletRequest request, HttpServletResponse response, String baseUri)
            throws IOException {
        requireVersion401(request);
        byte[] bytes = rules.bounded(request.getInputStream(), request.getContentLengthLong()).readAllBytes();
        List<BatchOperation> operations = read(bytes, baseUri);
        BatchExecution.Outcome outcome =
                execution.run(operations, Collections.list(request.getHeaders(HttpHeader.PREFER)), true);
        byte[] body = write(outcome.units());
        response.setStatus(200);
        response.setContentType("application/json");
        response.setHeader(HttpHeader.ODATA_VERSION, "4.01");
        if (outcome.preferenceApplied() != null) {
            response.setHeader(HttpHeader.PREFERENCE_APPLIED, outcome.preferenceApplied());
        }
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /**
     * A request is read by the rules of its {@code OData-Version}, else of its {@code OData-MaxVersion}, and answered
     * in a version no greater than {@code OData-MaxVersion} (OData 4.01, 8.1.5 and 8.2.7): a JSON batch needs 4.01
     * both ways.
     */
    private static void requireVersion401(HttpServletRequest request) {
        for (String header : List.of(HttpHeader.ODATA_VERSION, HttpHeader.ODATA_MAX_VERSION)) {
            String value = request.getHeader(header);
            if (value == null) {
                continue;
            }
            Matcher version = VERSION.matcher(value);
            int comparison = version.matches() ? new BigDecimal(version.group(1)).compareTo(V401) : -1;
            if (comparison < 0 || comparison > 0 && header.equals(HttpHeader.ODATA_VERSION)) {
                throw new ServiceException.BadRequest(ErrorCode.ODATA_VERSION_UNSUPPORTED, header,
                        "The JSON batch format is OData 4.01, and " + header + " says " + value.trim()
                                + ": send OData 4.01, or a multipart batch (OData 4.0)");
            }
        }
    }

    /** The requests, checked for the structure the format demands: the batch is refused when it lacks it. */
    private static List<BatchOperation> read(byte[] bytes, String baseUri) {
        JsonNode batch = JsonBodies.strictTree(bytes, "The batch", "$batch");
        JsonNode requests = batch == null ? null : batch.get("requests");
        if (requests == null || !requests.isArray()) {
            throw invalid("A JSON batch needs a \"requests\" array");
        }
        refuseUnknownMembers(batch, BATCH_MEMBERS, "The batch");
        Set<String> ids = new HashSet<>();
        Set<String> closedGroups = new HashSet<>();
        List<BatchOperation> operations = new ArrayList<>();
        String openGroup = null;
        for (JsonNode request : requests) {
            if (!request.isObject()) {
                throw invalid("Each request of a JSON batch is a JSON object");
            }
            JsonNode idNode = request.get("id");
            // the format says a string; a number is taken as its text rather than refused
            String id = idNode != null && (idNode.isTextual() || idNode.isIntegralNumber()) ? idNode.asText() : null;
            if (id == null || id.isEmpty() || text(request, "method") == null || text(request, "url") == null) {
                throw invalid("Each request of a JSON batch needs an \"id\", a \"method\" and a \"url\"");
            }
            refuseUnknownMembers(request, REQUEST_MEMBERS, "Request " + id);
            requireString(request, "atomicityGroup", id);
            requireString(request, "if", id);
            String group = text(request, "atomicityGroup");
            if (openGroup != null && !openGroup.equals(group)) {
                closedGroups.add(openGroup);
            }
            if (group != null && (closedGroups.contains(group) || ids.contains(group))) {
                throw invalid("The requests of atomicity group " + group + " must be adjacent, and a group's name"
                        + " must differ from every request's id");
            }
            if (request.has("dependsOn") && !request.get("dependsOn").isArray()) {
                throw invalid("Request " + id + ": \"dependsOn\" is an array of request ids and atomicity groups");
            }
            List<String> dependsOn = new ArrayList<>();
            for (JsonNode dependency : request.path("dependsOn")) {
                String name = dependency.asText();
                if (!ids.contains(name) && !closedGroups.contains(name)) {
                    throw invalid("Request " + id + " depends on " + name + ", which is no earlier request or"
                            + " atomicity group of the batch");
                }
                dependsOn.add(name);
            }
            ids.add(id);
            openGroup = group;
            operations.add(operation(request, id, group, dependsOn, baseUri));
        }
        if (ids.stream().anyMatch(closedGroups::contains) || openGroup != null && ids.contains(openGroup)) {
            throw invalid("A group's name must differ from every request's id");
        }
        return operations;
    }

    private static BatchOperation operation(JsonNode request, String id, String group, List<String> dependsOn,
                                            String baseUri) {
        boolean conditional = request.has("if");
        try {
            return new BatchOperation(id, group, dependsOn, conditional, toODataRequest(request, baseUri), null);
        } catch (ServiceException e) {
            return new BatchOperation(id, group, dependsOn, conditional, null, e);
        }
    }

    private static ODataRequest toODataRequest(JsonNode request, String baseUri) {
        String method = text(request, "method").toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw invalid("A batch request's method is one of get, post, put, patch and delete");
        }
        String url = text(request, "url");
        URI target;
        try {
            target = URI.create(baseUri + "/").resolve(url.startsWith("/") ? url.substring(1) : url);
        } catch (IllegalArgumentException e) {
            throw invalid("A batch request's url is not a valid URL: percent-encode spaces and other characters"
                    + " that URLs do not allow");
        }
        String targetText = target.toString();
        if (!targetText.startsWith(baseUri + "/")) {
            throw invalid("A batch request must address this service");
        }
        String relative = targetText.substring(baseUri.length());
        int query = relative.indexOf('?');
        ODataRequest odataRequest = new ODataRequest();
        odataRequest.setMethod(HttpMethod.valueOf(method));
        odataRequest.setProtocol("HTTP/1.1");
        odataRequest.setRawBaseUri(baseUri);
        odataRequest.setRawODataPath(query < 0 ? relative : relative.substring(0, query));
        odataRequest.setRawQueryPath(query < 0 ? null : relative.substring(query + 1));
        odataRequest.setRawRequestUri(targetText);
        odataRequest.setRawServiceResolutionUri(null);
        JsonNode headers = request.path("headers");
        if (!headers.isMissingNode() && !headers.isObject()) {
            throw invalid("A batch request's \"headers\" is an object of header names and their values");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> header = it.next();
            if (!header.getValue().isTextual()) {
                // an array or number would reach the request as no value at all, e.g. a blank If-Match
                throw invalid("The value of header " + header.getKey() + " of a batch request is a string");
            }
            odataRequest.addHeader(header.getKey(), header.getValue().asText());
        }
        odataRequest.setBody(new ByteArrayInputStream(body(request.path("body"), odataRequest)));
        return odataRequest;
    }

    /**
     * The request body as bytes (OData 4.01 JSON format, 19.1): JSON for JSON media types (the default), the text
     * itself for {@code text/*}, base64url-encoded bytes for anything else.
     */
    private static byte[] body(JsonNode body, ODataRequest request) {
        if (body.isMissingNode() || body.isNull()) {
            return new byte[0];
        }
        String contentType = request.getHeader(HttpHeader.CONTENT_TYPE);
        if (contentType == null) {
            contentType = "application/json";
            request.addHeader(HttpHeader.CONTENT_TYPE, contentType);
        }
        if (isJson(contentType) || !body.isTextual()) {
            return body.toString().getBytes(StandardCharsets.UTF_8);
        }
        if (contentType.toLowerCase(Locale.ROOT).startsWith("text/")) {
            return body.asText().getBytes(StandardCharsets.UTF_8);
        }
        try {
            return Base64.getUrlDecoder().decode(body.asText());
        } catch (IllegalArgumentException e) {
            throw invalid("A batch request's body of type " + contentType + " must be base64url-encoded");
        }
    }

    /** The answer: a response object per request that ran, with its atomicity group when it has one (19.6). */
    private static byte[] write(List<BatchExecution.Unit> units) throws IOException {
        ArrayNode responses = JSON.createArrayNode();
        for (BatchExecution.Unit unit : units) {
            for (BatchAnswer answer : unit.answers()) {
                ObjectNode object = responses.addObject();
                object.put("id", answer.operation().id());
                if (unit.group() != null) {
                    object.put("atomicityGroup", unit.group());
                }
                object.put("status", answer.status());
                ObjectNode headers = object.putObject("headers");
                answer.headers().forEach((name, values) ->
                        headers.put(name.toLowerCase(Locale.ROOT), String.join(", ", values)));
                if (answer.body().length > 0) {
                    object.set("body", body(answer));
                }
            }
        }
        ObjectNode batch = JSON.createObjectNode();
        batch.set("responses", responses);
        return JSON.writeValueAsBytes(batch);
    }

    /** A response body by the rules of a request body (19.6). */
    private static JsonNode body(BatchAnswer answer) throws IOException {
        String contentType = answer.header(HttpHeader.CONTENT_TYPE);
        if (contentType != null && isJson(contentType)) {
            return JSON.readTree(answer.body());
        }
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("text/")) {
            return JSON.getNodeFactory().textNode(new String(answer.body(), StandardCharsets.UTF_8));
        }
        return JSON.getNodeFactory().textNode(Base64.getUrlEncoder().encodeToString(answer.body()));
    }

    private static boolean isJson(String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT);
        int parameters = type.indexOf(';');
        String mediaType = (parameters < 0 ? type : type.substring(0, parameters)).trim();
        return mediaType.equals("application/json") || mediaType.endsWith("+json");
    }

    /**
     * Refuses a member the format does not define (OData 4.01 JSON format, 19.1): a misspelt one such as
     * {@code atomicitygroup} would otherwise run the requests in a way the client did not ask for.
     */
    private static void refuseUnknownMembers(JsonNode object, Set<String> known, String what) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw invalid(what + " has the member \"" + name + "\", which the JSON batch format does not"
                        + " define; it has " + String.join(", ", new TreeSet<>(known)));
            }
        }
    }

    private static void requireString(JsonNode request, String name, String id) {
        JsonNode value = request.get(name);
        if (value != null && !value.isTextual()) {
            throw invalid("Request " + id + ": \"" + name + "\" is a string");
        }
    }

    private static String text(JsonNode request, String name) {
        JsonNode value = request.get(name);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    private static ServiceException invalid(String message) {
        return new ServiceException.BadRequest(ErrorCode.INVALID_BODY, "$batch", message);
    }
}

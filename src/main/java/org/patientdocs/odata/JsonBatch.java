package org.patientdocs.odata;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.olingo.commons.api.http.HttpHeader;
import org.apache.olingo.commons.api.http.HttpMethod;
import org.apache.olingo.server.api.ODataHandler;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.ODataResponse;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ErrorMapper;
import org.patientdocs.error.ServiceException;
import org.patientdocs.query.QueryText;
import org.patientdocs.storage.Transactions;

/**
 * The JSON batch format of OData 4.01 ({@code POST $batch} with {@code Content-Type: application/json}), which Olingo
 * does not parse: each request runs through a handler with this service's processors, exactly as on its own; the
 * requests of one {@code atomicityGroup} share a transaction and succeed or fail together; a request whose
 * {@code dependsOn} failed answers 424. The same limits and refusals as the multipart format apply.
 */
public final class JsonBatch {

    /** The largest answer one operation may give inside a batch, whose JSON embeds it. */
    private static final int MAX_ANSWER_BYTES = 16 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FAILED_DEPENDENCY = 424;

    private final Supplier<ODataHandler> handlers;
    private final Transactions transactions;
    private final ServiceConfig.Batch limits;
    private final int maxNestingDepth;

    /** @param handlers a fresh handler with the processors of the calling request, for each operation */
    public JsonBatch(Supplier<ODataHandler> handlers, Transactions transactions, ServiceConfig.Batch limits,
                     int maxNestingDepth) {
        this.handlers = handlers;
        this.transactions = transactions;
        this.limits = limits;
        this.maxNestingDepth = maxNestingDepth;
    }

    /** Whether a request is a JSON batch. */
    public static boolean isJsonBatch(String method, String path, String contentType) {
        return "POST".equals(method) && "/$batch".equals(path) && contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith("application/json");
    }

    /**
     * Runs the batch.
     *
     * @param baseUri the service root as the client sees it, without a trailing slash
     * @return the response body, {@code application/json}
     */
    public byte[] process(InputStream body, long declaredLength, String baseUri) throws IOException {
        if (declaredLength > limits.maxBytes()) {
            throw tooLarge();
        }
        byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limits.maxBytes() + 1));
        if (bytes.length > limits.maxBytes()) {
            throw tooLarge();
        }
        JsonNode requests;
        try {
            requests = JSON.readTree(bytes).path("requests");
        } catch (JsonProcessingException e) {
            throw invalid("The batch is not valid JSON");
        }
        if (!requests.isArray()) {
            throw invalid("A JSON batch needs a \"requests\" array");
        }
        if (requests.size() > limits.maxOperations()) {
            throw new ServiceException.BadRequest(ErrorCode.BATCH_TOO_MANY_OPERATIONS, "$batch",
                    "A batch may hold at most " + limits.maxOperations() + " operations; this one holds "
                            + requests.size());
        }
        ArrayNode responses = JSON.createArrayNode();
        Set<String> failed = new HashSet<>();
        List<JsonNode> group = new ArrayList<>();
        for (JsonNode request : requests) {
            String atomicity = request.path("atomicityGroup").asText(null);
            // the adjacent members of one atomicity group run together; a request outside any group runs alone
            if (!group.isEmpty() && !group.get(0).path("atomicityGroup").asText().equals(atomicity)) {
                runGroup(group, baseUri, responses, failed);
                group.clear();
            }
            if (atomicity == null) {
                responses.add(run(request, baseUri, failed));
            } else {
                group.add(request);
            }
        }
        if (!group.isEmpty()) {
            runGroup(group, baseUri, responses, failed);
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.set("responses", responses);
        return JSON.writeValueAsBytes(answer);
    }

    /** The requests of one atomicity group, in one transaction. */
    private void runGroup(List<JsonNode> group, String baseUri, ArrayNode responses, Set<String> failed) {
        List<ObjectNode> answers = transactions.inTransaction(() -> {
            List<ObjectNode> results = new ArrayList<>();
            for (JsonNode request : group) {
                ObjectNode result = run(request, baseUri, failed);
                if (result.get("status").asInt() >= 400) {
                    return new Transactions.Outcome<>(List.of(result), false);
                }
                results.add(result);
            }
            return new Transactions.Outcome<>(results, true);
        });
        if (answers.size() == 1 && answers.get(0).get("status").asInt() >= 400) {
            // The group failed as a whole: every member answers with the failure.
            for (JsonNode request : group) {
                ObjectNode copy = answers.get(0).deepCopy();
                copy.put("id", request.path("id").asText());
                failed.add(request.path("id").asText());
                responses.add(copy);
            }
            return;
        }
        answers.forEach(responses::add);
    }

    private ObjectNode run(JsonNode request, String baseUri, Set<String> failed) {
        String id = request.path("id").asText("");
        for (JsonNode dependency : request.path("dependsOn")) {
            if (failed.contains(dependency.asText())) {
                failed.add(id);
                return answer(id, FAILED_DEPENDENCY, ErrorMapper.ofStatus(FAILED_DEPENDENCY,
                        "A request this one depends on failed").json());
            }
        }
        ObjectNode result;
        try {
            ODataRequest odataRequest = toODataRequest(request, baseUri);
            ODataResponse response = handlers.get().process(odataRequest);
            result = answer(id, response);
        } catch (ServiceException e) {
            ErrorMapper.ErrorBody error = ErrorMapper.map(e);
            result = answer(id, error.status(), error.json());
        }
        if (result.get("status").asInt() >= 400) {
            failed.add(id);
        }
        return result;
    }

    private ODataRequest toODataRequest(JsonNode request, String baseUri) {
        String method = request.path("method").asText("").toUpperCase(Locale.ROOT);
        String url = request.path("url").asText("");
        HttpMethod httpMethod;
        try {
            httpMethod = HttpMethod.valueOf(method);
        } catch (IllegalArgumentException e) {
            throw invalid("Unknown method in a batch request");
        }
        URI base = URI.create(baseUri + "/");
        URI target;
        try {
            target = base.resolve(url.startsWith("/") ? url.substring(1) : url);
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
        String path = query < 0 ? relative : relative.substring(0, query);
        JsonNode body = request.path("body");
        boolean media = path.toLowerCase(Locale.ROOT).endsWith("/$value")
                || httpMethod == HttpMethod.POST && !body.isMissingNode() && !body.isObject();
        if (media) {
            throw new ServiceException.BadRequest(ErrorCode.BATCH_OPERATION_REFUSED, "$batch",
                    "Document content cannot travel in a batch; upload and download it with requests of their own");
        }
        ODataRequest odataRequest = new ODataRequest();
        odataRequest.setMethod(httpMethod);
        odataRequest.setProtocol("HTTP/1.1");
        odataRequest.setRawBaseUri(baseUri);
        odataRequest.setRawODataPath(path);
        odataRequest.setRawQueryPath(QueryText.prepare(query < 0 ? null : relative.substring(query + 1),
                maxNestingDepth));
        odataRequest.setRawRequestUri(targetText);
        odataRequest.setRawServiceResolutionUri(null);
        for (Iterator<Map.Entry<String, JsonNode>> it = request.path("headers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> header = it.next();
            odataRequest.addHeader(header.getKey(), header.getValue().asText());
        }
        if (body.isObject()) {
            if (odataRequest.getHeader(HttpHeader.CONTENT_TYPE) == null) {
                odataRequest.addHeader(HttpHeader.CONTENT_TYPE, "application/json");
            }
            odataRequest.setBody(new ByteArrayInputStream(body.toString().getBytes(StandardCharsets.UTF_8)));
        } else {
            odataRequest.setBody(new ByteArrayInputStream(new byte[0]));
        }
        ServiceException refused = OperationHeaders.prepare(odataRequest);
        if (refused != null) {
            throw refused;
        }
        return odataRequest;
    }

    private static ObjectNode answer(String id, ODataResponse response) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("id", id);
        answer.put("status", response.getStatusCode());
        ObjectNode headers = answer.putObject("headers");
        response.getAllHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT),
                String.join(", ", values)));
        byte[] content = content(response);
        String contentType = response.getHeader(HttpHeader.CONTENT_TYPE);
        try {
            if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/json")
                    && content.length > 0) {
                answer.set("body", JSON.readTree(content));
            } else if (content.length > 0) {
                answer.put("body", new String(content, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return answer;
    }

    /**
     * The response's body, whether a processor gave it as a stream or as content written on demand. It is embedded
     * in the batch's JSON, so it is held in memory: bounded by {@value #MAX_ANSWER_BYTES} bytes (a page is bounded by
     * the page size; document content never travels in a batch), and refused rather than cut beyond that.
     */
    private static byte[] content(ODataResponse response) {
        try {
            if (response.getContent() != null) {
                try (InputStream in = response.getContent()) {
                    byte[] content = in.readNBytes(MAX_ANSWER_BYTES + 1);
                    if (content.length > MAX_ANSWER_BYTES) {
                        throw answerTooLarge();
                    }
                    return content;
                }
            }
            if (response.getODataContent() != null) {
                ByteArrayOutputStream out = new ByteArrayOutputStream() {
                    @Override
                    public synchronized void write(byte[] bytes, int offset, int length) {
                        if (count + length > MAX_ANSWER_BYTES) {
                            throw answerTooLarge();
                        }
                        super.write(bytes, offset, length);
                    }

                    @Override
                    public synchronized void write(int b) {
                        write(new byte[] {(byte) b}, 0, 1);
                    }
                };
                response.getODataContent().write(out);
                return out.toByteArray();
            }
            return new byte[0];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ServiceException answerTooLarge() {
        return new ServiceException.BadRequest(ErrorCode.BATCH_OPERATION_REFUSED, "$batch",
                "This operation's answer is larger than a batch carries (" + MAX_ANSWER_BYTES + " bytes);"
                        + " send it as a request of its own");
    }

    private static ObjectNode answer(String id, int status, String errorJson) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("id", id);
        answer.put("status", status);
        answer.putObject("headers").put("content-type", ErrorMapper.ERROR_CONTENT_TYPE);
        try {
            answer.set("body", JSON.readTree(errorJson));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return answer;
    }

    private ServiceException tooLarge() {
        return new ServiceException.PayloadTooLarge("$batch",
                "A batch request may have at most " + limits.maxBytes() + " bytes");
    }

    private static ServiceException invalid(String message) {
        return new ServiceException.BadRequest(ErrorCode.INVALID_BODY, "$batch", message);
    }
}

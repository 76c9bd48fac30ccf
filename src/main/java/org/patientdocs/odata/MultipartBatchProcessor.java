package org.patientdocs.odata;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.commons.api.http.HttpHeader;
import org.apache.olingo.commons.api.http.HttpStatusCode;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataApplicationException;
import org.apache.olingo.server.api.ODataLibraryException;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.ODataResponse;
import org.apache.olingo.server.api.ServiceMetadata;
import org.apache.olingo.server.api.batch.BatchFacade;
import org.apache.olingo.server.api.deserializer.batch.BatchRequestPart;
import org.apache.olingo.server.api.deserializer.batch.ODataResponsePart;
import org.apache.olingo.server.api.processor.BatchProcessor;
import org.apache.olingo.server.core.deserializer.batch.BatchBodyPart;
import org.apache.olingo.server.core.deserializer.batch.BatchLineReader;
import org.apache.olingo.server.core.deserializer.batch.BatchParserCommon;
import org.apache.olingo.server.core.deserializer.batch.BatchRequestTransformator;
import org.apache.olingo.server.core.deserializer.batch.Line;

/**
 * The multipart {@code $batch} of OData 4.0: read with Olingo's parser, run by {@link BatchExecution} under the
 * {@link BatchRules} the JSON format follows too, and written here. Processing stops at the first failed request or
 * change set unless the batch prefers {@code continue-on-error} (OData 4.01, 11.7.7.4). The answer is written here
 * rather than by Olingo, whose writer drops the {@code Content-ID} of requests outside change sets (which the
 * specification requires in the answer) and knows no 424.
 */
public final class MultipartBatchProcessor implements BatchProcessor {

    private static final String CRLF = "\r\n";

    private final BatchRules rules;
    private final BatchExecution execution;

    /** @param execution runs this batch's operations (one execution serves one batch) */
    MultipartBatchProcessor(BatchRules rules, BatchExecution execution) {
        this.rules = rules;
        this.execution = execution;
    }

    @Override
    public void init(OData odata, ServiceMetadata serviceMetadata) {
        // the rules and the execution were given at construction
    }

    @Override
    public void processBatch(BatchFacade facade, ODataRequest request, ODataResponse response)
            throws ODataApplicationException, ODataLibraryException {
        String length = request.getHeader(HttpHeader.CONTENT_LENGTH);
        long declared = length != null && length.matches("[0-9]{1,18}") ? Long.parseLong(length) : -1;
        String boundary = facade.extractBoundaryFromContentType(request.getHeader(HttpHeader.CONTENT_TYPE));
        List<BatchOperation> operations = read(request, rules.bounded(request.getBody(), declared), boundary);
        BatchExecution.Outcome outcome = execution.run(operations, request.getHeaders(HttpHeader.PREFER), false);
        String responseBoundary = "batchresponse_" + UUID.randomUUID();
        response.setContent(new ByteArrayInputStream(write(outcome.units(), responseBoundary)));
        response.setStatusCode(HttpStatusCode.OK.getStatusCode());
        response.setHeader(HttpHeader.CONTENT_TYPE, ContentType.MULTIPART_MIXED + ";boundary=" + responseBoundary);
        if (outcome.preferenceApplied() != null) {
            response.setHeader(HttpHeader.PREFERENCE_APPLIED, outcome.preferenceApplied());
        }
    }

    @Override
    public ODataResponsePart processChangeSet(BatchFacade facade, List<ODataRequest> requests) {
        throw new IllegalStateException("change sets run in BatchExecution, never through Olingo's facade");
    }

    /**
     * The operations, in order, as Olingo's parser reads them; done part by part (as Olingo's own parser does) to keep
     * the {@code Content-ID} of a request outside a change set, which sits on its MIME part where Olingo drops it.
     */
    private static List<BatchOperation> read(ODataRequest batch, InputStream body, String boundary)
            throws ODataLibraryException {
        List<Line> lines;
        BatchLineReader reader = new BatchLineReader(body);
        try {
            lines = reader.toLineList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BatchRequestTransformator transformator =
                new BatchRequestTransformator(batch.getRawBaseUri(), batch.getRawServiceResolutionUri());
        List<BatchOperation> operations = new ArrayList<>();
        int changeSets = 0;
        for (List<Line> partLines : BatchParserCommon.splitMessageByBoundary(lines, boundary)) {
            BatchBodyPart part = new BatchBodyPart(partLines, boundary, true).parse();
            // a name no Content-ID can have (request identifiers are unreserved characters)
            String changeSet = part.isChangeSet() ? "#changeset " + ++changeSets : null;
            String partContentId = part.getHeaders().getHeader(HttpHeader.CONTENT_ID);
            for (BatchRequestPart requests : transformator.transform(part)) {
                for (ODataRequest operation : requests.getRequests()) {
                    if (!part.isChangeSet() && operation.getHeader(HttpHeader.CONTENT_ID) == null
                            && partContentId != null) {
                        operation.setHeader(HttpHeader.CONTENT_ID, partContentId);
                    }
                    operations.add(BatchOperation.multipart(operation.getHeader(HttpHeader.CONTENT_ID), changeSet,
                            operation));
                }
            }
        }
        return operations;
    }

    /**
     * The multipart answer: a part per request alone, a nested multipart per change set that succeeded, and for a
     * change set that failed the failure alone (OData 4.01, 11.7.7.5).
     */
    private static byte[] write(List<BatchExecution.Unit> units, String boundary) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (BatchExecution.Unit unit : units) {
            text(out, "--" + boundary + CRLF);
            if (unit.group() == null || unit.failure() != null) {
                part(out, unit.failure() != null ? unit.failure() : unit.answers().get(0));
                continue;
            }
            String changeSet = "changesetresponse_" + UUID.randomUUID();
            text(out, HttpHeader.CONTENT_TYPE + ": " + ContentType.MULTIPART_MIXED + ";boundary=" + changeSet
                    + CRLF + CRLF);
            for (BatchAnswer answer : unit.answers()) {
                text(out, "--" + changeSet + CRLF);
                part(out, answer);
            }
            text(out, "--" + changeSet + "--" + CRLF);
        }
        text(out, "--" + boundary + "--" + CRLF);
        return out.toByteArray();
    }

    private static void part(ByteArrayOutputStream out, BatchAnswer answer) {
        StringBuilder head = new StringBuilder()
                .append(HttpHeader.CONTENT_TYPE).append(": ").append(ContentType.APPLICATION_HTTP).append(CRLF)
                .append("Content-Transfer-Encoding: binary").append(CRLF);
        if (answer.operation().id() != null) {
            head.append(HttpHeader.CONTENT_ID).append(": ").append(answer.operation().id()).append(CRLF);
        }
        head.append(CRLF).append("HTTP/1.1 ").append(answer.status()).append(' ').append(reason(answer.status()))
                .append(CRLF);
        for (Map.Entry<String, List<String>> header : answer.headers().entrySet()) {
            if (!header.getKey().equalsIgnoreCase(HttpHeader.CONTENT_LENGTH)
                    && !header.getKey().equalsIgnoreCase(HttpHeader.CONTENT_ID)) {
                head.append(header.getKey()).append(": ").append(String.join(", ", header.getValue())).append(CRLF);
            }
        }
        head.append(HttpHeader.CONTENT_LENGTH).append(": ").append(answer.body().length).append(CRLF).append(CRLF);
        text(out, head.toString());
        out.writeBytes(answer.body());
        text(out, CRLF);
    }

    private static String reason(int status) {
        HttpStatusCode known = HttpStatusCode.fromStatusCode(status);
        return known != null ? known.getInfo() : status == 424 ? "Failed Dependency" : "";
    }

    /** Header text is ISO-8859-1 (RFC 9110, 5.5), as Olingo writes it. */
    private static void text(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}

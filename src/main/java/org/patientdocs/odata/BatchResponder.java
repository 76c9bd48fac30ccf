package org.patientdocs.odata;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.commons.api.http.HttpHeader;
import org.apache.olingo.commons.api.http.HttpMethod;
import org.apache.olingo.commons.api.http.HttpStatusCode;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataApplicationException;
import org.apache.olingo.server.api.ODataLibraryException;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.ODataResponse;
import org.apache.olingo.server.api.ServiceMetadata;
import org.apache.olingo.server.api.batch.BatchFacade;
import org.apache.olingo.server.api.deserializer.batch.BatchOptions;
import org.apache.olingo.server.api.deserializer.batch.BatchRequestPart;
import org.apache.olingo.server.api.deserializer.batch.ODataResponsePart;
import org.apache.olingo.server.api.processor.BatchProcessor;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ErrorMapper;
import org.patientdocs.error.ServiceException;
import org.patientdocs.query.QueryText;
import org.patientdocs.storage.Transactions;

/**
 * Multipart {@code $batch}: each operation runs through the same processors as a request of its own (the batch as
 * a whole has passed authentication); a change set runs in one database transaction and is committed only when
 * every operation in it succeeds. Olingo parses a batch in memory, so the body is bounded
 * ({@code batch.max-bytes}, 413) and so is the number of operations ({@code batch.max-operations}, 400). Media
 * content never travels in a batch: {@code $value} reads and uploads are refused there, as are document deletes in a
 * change set (their bytes could not be restored by a rollback).
 */
public final class BatchResponder implements BatchProcessor {

    private final Transactions transactions;
    private final ServiceConfig.Batch limits;
    private final int maxNestingDepth;
    private final MediaResponse media;
    private OData odata;

    /** @param media how this request's downloads are sent: inside the batch, Olingo's answer holds them */
    public BatchResponder(Transactions transactions, ServiceConfig.Batch limits, int maxNestingDepth,
                          MediaResponse media) {
        this.transactions = transactions;
        this.limits = limits;
        this.maxNestingDepth = maxNestingDepth;
        this.media = media;
    }

    @Override
    public void init(OData odata, ServiceMetadata serviceMetadata) {
        this.odata = odata;
    }

    @Override
    public void processBatch(BatchFacade facade, ODataRequest request, ODataResponse response)
            throws ODataApplicationException, ODataLibraryException {
        media.insideBatch();
        String length = request.getHeader(HttpHeader.CONTENT_LENGTH);
        if (length != null && length.matches("[0-9]{1,18}") && Long.parseLong(length) > limits.maxBytes()) {
            throw tooLarge();
        }
        String boundary = facade.extractBoundaryFromContentType(request.getHeader(HttpHeader.CONTENT_TYPE));
        BatchOptions options = BatchOptions.with().rawBaseUri(request.getRawBaseUri())
                .rawServiceResolutionUri(request.getRawServiceResolutionUri()).build();
        List<BatchRequestPart> parts = odata.createFixedFormatDeserializer()
                .parseBatchRequest(new LimitedInput(request.getBody(), limits.maxBytes(), this::tooLarge), boundary, options);
        int operations = parts.stream().mapToInt(part -> part.getRequests().size()).sum();
        if (operations > limits.maxOperations()) {
            throw new ServiceException.BadRequest(ErrorCode.BATCH_TOO_MANY_OPERATIONS, "$batch",
                    "A batch may hold at most " + limits.maxOperations() + " operations; this one holds " + operations);
        }
        for (BatchRequestPart part : parts) {
            // Each operation's query gets the checks and rewrites a request of its own gets before parsing.
            for (ODataRequest operation : part.getRequests()) {
                operation.setRawQueryPath(QueryText.prepare(operation.getRawQueryPath(), maxNestingDepth));
            }
        }
        List<ODataResponsePart> answers = new ArrayList<>();
        for (BatchRequestPart part : parts) {
            ODataResponse refusal = refusal(part);
            answers.add(refusal != null ? new ODataResponsePart(refusal, part.isChangeSet())
                    : facade.handleBatchRequest(part));
        }
        String responseBoundary = "batchresponse_" + UUID.randomUUID();
        response.setContent(odata.createFixedFormatSerializer().batchResponse(answers, responseBoundary));
        response.setStatusCode(HttpStatusCode.OK.getStatusCode());
        response.setHeader(HttpHeader.CONTENT_TYPE, ContentType.MULTIPART_MIXED + ";boundary=" + responseBoundary);
    }

    @Override
    public ODataResponsePart processChangeSet(BatchFacade facade, List<ODataRequest> requests) {
        return transactions.inTransaction(() -> {
            List<ODataResponse> responses = new ArrayList<>();
            for (ODataRequest request : requests) {
                ODataResponse response;
                try {
                    response = facade.handleODataRequest(request);
                } catch (ODataApplicationException | ODataLibraryException e) {
                    response = error(ErrorMapper.ofStatus(400, "The operation could not be processed"));
                }
                if (response.getStatusCode() >= 400) {
                    // One failure fails the whole change set, answered by that failure alone.
                    return new Transactions.Outcome<>(new ODataResponsePart(response, false), false);
                }
                responses.add(response);
            }
            return new Transactions.Outcome<>(new ODataResponsePart(responses, true), true);
        });
    }

    /**
     * An error answer for an operation that may not run in a batch, or null when it may; the headers of those that
     * may are prepared for Olingo ({@link OperationHeaders}).
     */
    private static ODataResponse refusal(BatchRequestPart part) {
        for (ODataRequest request : part.getRequests()) {
            ServiceException refused = OperationHeaders.prepare(request);
            if (refused == null) {
                refused = batchRule(request, part.isChangeSet());
            }
            if (refused != null) {
                ODataResponse response = error(ErrorMapper.map(refused));
                String contentId = request.getHeader("Content-ID");
                if (contentId != null) {
                    response.setHeader("Content-ID", contentId);
                }
                return response;
            }
        }
        return null;
    }

    /** The refusal of an operation that may not run in a batch (in a change set, if it is in one), or null. */
    private static ServiceException batchRule(ODataRequest request, boolean inChangeSet) {
        String path = request.getRawODataPath() == null ? "" : request.getRawODataPath();
        String contentType = request.getHeader(HttpHeader.CONTENT_TYPE);
        boolean media = path.toLowerCase(Locale.ROOT).endsWith("/$value")
                || request.getMethod() == HttpMethod.POST && contentType != null
                && !contentType.toLowerCase(Locale.ROOT).startsWith("application/json");
        boolean documentDelete = inChangeSet && request.getMethod() == HttpMethod.DELETE
                && path.contains("Documents(");
        if (!media && !documentDelete) {
            return null;
        }
        return new ServiceException.BadRequest(ErrorCode.BATCH_OPERATION_REFUSED, "$batch", media
                ? "Document content cannot travel in a batch; upload and download it with requests of their own"
                : "Documents cannot be deleted inside a change set; delete them with requests of their own");
    }

    private static ODataResponse error(ErrorMapper.ErrorBody body) {
        ODataResponse response = new ODataResponse();
        response.setStatusCode(body.status());
        response.setHeader(HttpHeader.CONTENT_TYPE, ErrorMapper.ERROR_CONTENT_TYPE);
        response.setContent(new ByteArrayInputStream(body.json().getBytes(StandardCharsets.UTF_8)));
        return response;
    }

    private ServiceException tooLarge() {
        return new ServiceException.PayloadTooLarge("$batch",
                "A batch request may have at most " + limits.maxBytes() + " bytes");
    }
}

package org.patientdocs.odata;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.olingo.server.api.ODataResponse;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ErrorResponse;
import org.patientdocs.error.ServiceException;

/**
 * The answer to one request of a {@code $batch}, read in full as soon as the request has run (inside its atomicity
 * group's transaction, while what it reads is there): the batch's answer embeds it, in either format.
 *
 * @param operation the request answered
 * @param status    its HTTP status
 * @param headers   its headers, as the handler set them
 * @param body      its body, empty when it has none
 */
record BatchAnswer(BatchOperation operation, int status, Map<String, List<String>> headers, byte[] body) {

    /** The largest answer one operation may give inside a batch, which holds it in memory. */
    static final int MAX_BYTES = 16 * 1024 * 1024;

    /** The handler's answer, read in full; refused rather than cut beyond {@value #MAX_BYTES} bytes. */
    static BatchAnswer of(BatchOperation operation, ODataResponse response) {
        return new BatchAnswer(operation, response.getStatusCode(), new LinkedHashMap<>(response.getAllHeaders()),
                content(response));
    }

    /** An error answer, written by the same code as every other error answer of the service. */
    static BatchAnswer error(BatchOperation operation, ServiceException error) {
        ODataResponse response = new ODataResponse();
        ErrorAnswerProcessor.write(response, ErrorResponse.of(error));
        return of(operation, response);
    }

    boolean failed() {
        return status >= 400;
    }

    /** The first value of a header, whatever the case of its name; null when absent. */
    String header(String name) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
                return header.getValue().get(0);
            }
        }
        return null;
    }

    /**
     * The response's body, whether a processor gave it as a stream or as content written on demand. A page is
     * bounded by the page size and document content never travels in a batch, so a larger body is a surprise.
     */
    private static byte[] content(ODataResponse response) {
        try {
            if (response.getContent() != null) {
                try (InputStream in = response.getContent()) {
                    byte[] content = in.readNBytes(MAX_BYTES + 1);
                    if (content.length > MAX_BYTES) {
                        throw tooLarge();
                    }
                    return content;
                }
            }
            if (response.getODataContent() != null) {
                ByteArrayOutputStream out = new ByteArrayOutputStream() {
                    @Override
                    public synchronized void write(byte[] bytes, int offset, int length) {
                        if (count + length > MAX_BYTES) {
                            throw tooLarge();
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

    private static ServiceException tooLarge() {
        return new ServiceException.BadRequest(ErrorCode.BATCH_OPERATION_REFUSED, "$batch",
                "This operation's answer is larger than a batch carries (" + MAX_BYTES + " bytes);"
                        + " send it as a request of its own");
    }
}

package org.patientdocs.server;

import java.nio.ByteBuffer;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.patientdocs.error.ErrorResponse;

/**
 * Errors Jetty decides on its own (a malformed request line, headers too large, a request no servlet took) in the
 * service's one error shape ({@link ErrorResponse}) instead of Jetty's HTML page. The message is the status's reason
 * phrase only: Jetty's own messages may quote the request. The answer says {@code Connection: close}: Jetty closes
 * the connection after such an error, and a client told nothing would send its next request into a closed
 * connection.
 */
final class JsonErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        ErrorResponse error = ErrorResponse.ofStatus(code, HttpStatus.getMessage(code));
        response.setStatus(error.status());
        error.headers().forEach(response.getHeaders()::put);
        // the security headers filter has not run for an error decided before any context; put replaces its values
        SecurityHeadersFilter.HEADERS.forEach(response.getHeaders()::put);
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        response.write(true, ByteBuffer.wrap(error.body()), callback);
    }
}

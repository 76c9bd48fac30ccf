package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Requests that reach Jetty while the service starts: held until it is ready, or refused when it cannot start. */
class StartGateTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final CountDownLatch arrived = new CountDownLatch(1);
    private Server server;

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @Test
    void aRequestThatArrivesBeforeTheServiceIsReadyIsAnsweredByItOnceReady() throws Exception {
        StartGate gate = listening(Duration.ofMinutes(1));
        CompletableFuture<HttpResponse<String>> answer = send();
        assertTrue(arrived.await(1, TimeUnit.MINUTES), "the request reached the gate");
        gate.open(new ContextHandler(new Ready(), "/"));
        HttpResponse<String> response = answer.get(1, TimeUnit.MINUTES);
        assertEquals(200, response.statusCode());
        assertEquals("ready", response.body());
        assertEquals("ready", send().get(1, TimeUnit.MINUTES).body(), "and so is every one after it");
    }

    @Test
    void aRequestWaitingWhenTheStartFailsIsAnswered503() throws Exception {
        StartGate gate = listening(Duration.ofMinutes(1));
        CompletableFuture<HttpResponse<String>> answer = send();
        assertTrue(arrived.await(1, TimeUnit.MINUTES), "the request reached the gate");
        gate.fail();
        ErrorAnswer.of(answer.get(1, TimeUnit.MINUTES)).assertUnavailable();
    }

    @Test
    void aRequestIsAnswered503WhenTheServiceIsNotReadyWithinTheWait() throws Exception {
        listening(Duration.ZERO);
        ErrorAnswer.of(send().get(1, TimeUnit.MINUTES)).assertUnavailable();
    }

    /** Jetty listening on a free port with a gate that counts the requests reaching it down {@link #arrived}. */
    private StartGate listening(Duration wait) throws Exception {
        StartGate gate = new StartGate(wait) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                arrived.countDown();
                return super.handle(request, response, callback);
            }
        };
        server = new Server();
        server.addConnector(new ServerConnector(server));
        server.setHandler(gate);
        server.setErrorHandler(new JsonErrorHandler());
        server.start();
        return gate;
    }

    private CompletableFuture<HttpResponse<String>> send() {
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** What the service answers once it is ready; in a context, which answers nothing until it is started. */
    private static final class Ready extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            response.setStatus(200);
            Content.Sink.write(response, true, "ready", callback);
            return true;
        }
    }
}

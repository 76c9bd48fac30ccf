package org.patientdocs.server;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * What Jetty answers with while the service starts. Jetty listens while the database opens, so that its own start
 * and a client's first connection and request overlap the database's opening (over a million documents, about 0.4 s
 * of a start); a request that arrives before the service is ready waits for it, for at most the time a request waits
 * for a database connection ({@code db.connect-timeout-ms}), and is answered 503 with {@code Retry-After} after that
 * or when the start fails. Once {@link #open opened}, it only passes requests on.
 */
class StartGate extends Handler.Wrapper {

    private final CountDownLatch decided = new CountDownLatch(1);
    private final long waitNanos;
    private volatile boolean opened;

    StartGate(Duration wait) {
        // dynamic: the service's handlers are set while Jetty runs
        super(true);
        this.waitNanos = wait.toNanos();
    }

    /** Starts the service's handlers and passes requests to them, those waiting first. */
    void open(Handler service) throws Exception {
        setHandler(service);
        // a handler set while Jetty runs is neither started nor stopped with it unless told
        manage(service);
        service.start();
        opened = true;
        decided.countDown();
    }

    /** The start failed: requests waiting, and any that arrive before Jetty stops, are answered 503. */
    void fail() {
        decided.countDown();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!opened) {
            try {
                decided.await(waitNanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                // Jetty stops: answered as a request that waited too long
                Thread.currentThread().interrupt();
            }
            if (!opened) {
                Response.writeError(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503);
                return true;
            }
        }
        return super.handle(request, response, callback);
    }
}

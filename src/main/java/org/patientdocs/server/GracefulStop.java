package org.patientdocs.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.patientdocs.config.Operations;
import org.patientdocs.error.SafeTrace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first part of stopping, before Jetty and the pools close ({@code shutdown.*}): the instance says at once that
 * it is not ready ({@link Health}), keeps serving for {@code shutdown.delay-seconds} while the load balancer takes it
 * out of rotation, then refuses new requests with 503 (Jetty's {@link GracefulHandler}, answered in the service's
 * error shape by {@link JsonErrorHandler}, with {@code Retry-After}) and waits up to {@code shutdown.grace-seconds}
 * for the requests in flight, uploads and downloads among them, to finish. An upload that finishes is committed
 * before it is answered; one still arriving when the grace ends has its connection closed, fails, and stores nothing.
 */
final class GracefulStop {

    private static final Logger LOG = LoggerFactory.getLogger(GracefulStop.class);

    private final Health health;
    private final Operations operations;
    private final GracefulHandler requests;

    GracefulStop(Health health, Operations operations) {
        this.health = health;
        this.operations = operations;
        this.requests = new GracefulHandler();
    }

    /** The handler to put in front of the service's requests: it counts them, and refuses them once draining. */
    Handler.Wrapper handler() {
        return requests;
    }

    /**
     * Drains the instance; returns once no request is in flight or the grace is over. An interrupt ends the current
     * wait early; it is cleared, so that the rest of the stop can wait for its own steps, and reported instead.
     *
     * @return whether the thread was interrupted, for the caller to interrupt it again once it has stopped
     */
    boolean drain() {
        health.draining();
        boolean interrupted = false;
        long delay = operations.shutdownDelay().toMillis();
        LOG.info("stopping: /health/ready answers 503; serving for {} ms more", delay);
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        CompletableFuture<Void> finished = requests.shutdown();
        LOG.info("stopping: new requests are refused; waiting up to {} s for {} in flight",
                operations.shutdownGrace().toSeconds(), requests.getCurrentRequestCount());
        try {
            finished.get(operations.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("stopping: {} requests still in flight after shutdown.grace-seconds; closing their connections",
                    requests.getCurrentRequestCount());
        } catch (InterruptedException e) {
            interrupted = true;
        } catch (ExecutionException e) {
            LOG.warn("stopping: waiting for requests in flight failed: {}", SafeTrace.describe(e));
        }
        return interrupted;
    }
}

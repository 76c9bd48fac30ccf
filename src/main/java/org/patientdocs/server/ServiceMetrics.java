package org.patientdocs.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The service's metrics in one Micrometer registry, read at {@code /metrics} in the Prometheus text format: the
 * requests ({@link HttpMetrics}), the connection pools (HikariCP's own metrics), the JVM and the process, the rate
 * limits' refusals. Code deep in the service that has no registry handed to it (the audit trail's writer, the upload
 * refusals) records through Micrometer's global registry, which this one joins while the service runs. Nothing here
 * names a patient, a document or a file: tags are route templates, methods, statuses and error codes.
 */
final class ServiceMetrics implements AutoCloseable {

    /** What Prometheus scrapes: its text exposition format 0.0.4. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    ServiceMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        // the audit trail's writer records it through the global registry; registered here to be scraped from the start
        Timer.builder("patientdocs.audit.flush").description("Time to write one batch of audit events")
                .register(registry);
        Metrics.globalRegistry.add(registry);
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Lets a pool report its connections (in use, idle, pending) and how long they took to get, by its name. */
    void watch(HikariDataSource pool) {
        pool.setMetricRegistry(registry);
    }

    /** The counter of requests a rate limit refused, per limit: {@code subject} or {@code api_key}. */
    Counter rateLimitRefusals(String limit) {
        return Counter.builder("patientdocs.rate.limit.refusals").description("Requests refused by a rate limit (429)")
                .tag("limit", limit).register(registry);
    }

    /** Every metric, in the Prometheus text format. */
    byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try {
            registry.scrape(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        Metrics.globalRegistry.remove(registry);
        gc.close();
        registry.close();
    }
}

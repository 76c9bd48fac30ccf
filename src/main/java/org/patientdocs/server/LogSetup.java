package org.patientdocs.server;

import java.util.Map;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The log's configuration, made in code: logback finds it through {@link java.util.ServiceLoader} before it looks for
 * an XML file, and a start saves reading one (logback's XML configurator took 60-140 ms of the first 300 ms of a
 * start, on the thread every other part of the start waits for). {@link LogFormat} replaces the appender for
 * {@code log.format=json}. A file named by {@code -Dlogback.configurationFile}, and the tests' {@code logback-test.xml},
 * are read instead, as logback would without this class.
 * <p>
 * Logs must never contain document content, ids, file names, tokens or URLs of document resources. Our own code logs
 * only request ids, route shapes, statuses and exception types ({@link org.patientdocs.error.SafeTrace}); libraries
 * that might log request details are kept quiet.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%X{requestId:--}] %logger{20} %msg%n";
    /**
     * The libraries' levels. The AWS SDK and its HTTP client name buckets, object keys (which hold document ids) and
     * URLs in their messages; the S3 store reports its failures itself, through SafeTrace.
     */
    private static final Map<String, Level> LIBRARIES = Map.of(
            "org.apache.olingo", Level.OFF,
            "org.eclipse.jetty", Level.WARN,
            "com.zaxxer.hikari", Level.WARN,
            "org.flywaydb", Level.WARN,
            "org.h2", Level.WARN,
            "software.amazon.awssdk", Level.OFF,
            "org.apache.hc", Level.OFF);

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) != null
                || LogSetup.class.getClassLoader().getResource(ClassicConstants.TEST_AUTOCONFIG_FILE) != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("STDERR");
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        LIBRARIES.forEach((name, level) -> context.getLogger(name).setLevel(level));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}

package org.patientdocs.server;

import java.io.PrintStream;
import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Prints what the service logged during a test when that test fails, and everything a test class logged when its
 * set-up or tear-down fails. Logs are otherwise kept out of the build output (see {@code logback-test.xml}).
 * Registered for every test class through JUnit's extension auto-detection
 * ({@code META-INF/services/org.junit.jupiter.api.extension.Extension}).
 */
public final class ServerLogOnFailure
        implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(ServerLogOnFailure.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        LoggerContext loggers = (LoggerContext) LoggerFactory.getILoggerFactory();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setContext(loggers);
        appender.start();
        root().addAppender(appender);
        context.getStore(NAMESPACE).put("appender", appender);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put("from", appender(context).list.size());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            int from = context.getStore(NAMESPACE).get("from", Integer.class);
            print(context.getDisplayName(), appender(context), from);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ListAppender<ILoggingEvent> appender = appender(context);
        root().detachAppender(appender);
        appender.stop();
        if (context.getExecutionException().isPresent()) {
            print(context.getDisplayName(), appender, 0);
        }
    }

    @SuppressWarnings("unchecked")
    private static ListAppender<ILoggingEvent> appender(ExtensionContext context) {
        return context.getStore(NAMESPACE).get("appender", ListAppender.class);
    }

    private static Logger root() {
        return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private static void print(String name, ListAppender<ILoggingEvent> appender, int from) {
        List<ILoggingEvent> events;
        synchronized (appender) {
            events = List.copyOf(appender.list.subList(from, appender.list.size()));
        }
        PrintStream out = System.out;
        out.println("---- service log of failed test " + name + " (" + events.size() + " lines) ----");
        for (ILoggingEvent event : events) {
            out.println(event.getInstant() + " " + event.getLevel() + " [" + event.getMDCPropertyMap()
                    .getOrDefault("requestId", "-") + "] " + event.getLoggerName() + " " + event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                out.println(ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
        }
        out.println("---- end of service log of " + name + " ----");
    }
}

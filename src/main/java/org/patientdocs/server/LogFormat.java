package org.patientdocs.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.patientdocs.config.Operations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the log as {@code log.format} says. {@link LogSetup} writes text; {@code json} replaces its appender with
 * one writing a JSON object per line to the same standard error: time, level, thread, logger, the request id (from
 * the log context) and the formatted message. The events are the same as in text, so the same content rules hold:
 * request ids, route shapes, statuses and durations, never a document id, a name, a content or a URL.
 */
final class LogFormat {

    private LogFormat() {
    }

    static void apply(Operations.LogFormat format) {
        if (format != Operations.LogFormat.JSON
                || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        // the message once, as written; not again as a pattern and its arguments
        encoder.setWithFormattedMessage(true);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.start();
        ConsoleAppender<ILoggingEvent> json = new ConsoleAppender<>();
        json.setContext(context);
        json.setName("JSON");
        json.setTarget("System.err");
        json.setEncoder(encoder);
        json.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(json);
    }
}

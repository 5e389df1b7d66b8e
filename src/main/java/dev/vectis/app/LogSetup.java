package dev.vectis.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import dev.vectis.config.Settings;
import org.slf4j.LoggerFactory;

/** Applies log.level and log.format on top of the bundled logback.xml. */
final class LogSetup {

    private LogSetup() {
    }

    static void apply(Settings.Log log) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(log.level(), Level.INFO));
        if (log.format() != Settings.LogFormat.JSON) {
            return;
        }
        if (root.getAppender("console") instanceof ConsoleAppender<ILoggingEvent> console) {
            console.stop();
            console.setEncoder(json(context));
            console.start();
        }
        if (context.getLogger("vectis.access").getAppender("access") instanceof BatchedConsoleAppender access) {
            access.setEncoder(json(context));
        }
    }

    private static JsonEncoder json(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.start();
        return encoder;
    }
}

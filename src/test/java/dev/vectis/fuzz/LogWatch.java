package dev.vectis.fuzz;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Collects what the server logs as errors or with a stack trace while the fuzz pass runs: a
 * hostile request must end in a 4xx, not in "Unhandled error" behind a tidy status.
 */
final class LogWatch extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final List<String> problems = new CopyOnWriteArrayList<>();
    private volatile String current = "(between requests)";

    static LogWatch attach() {
        LogWatch watch = new LogWatch();
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        watch.setContext(context);
        watch.setName("fuzz-log-watch");
        watch.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(watch);
        return watch;
    }

    /** Which request the server is handling, to name it next to anything it logs. */
    void during(String request) {
        current = request;
    }

    List<String> problems() {
        return problems;
    }

    @Override
    protected void append(ILoggingEvent e) {
        if (e.getLevel().isGreaterOrEqual(Level.ERROR) || e.getThrowableProxy() != null) {
            String trace = e.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy());
            problems.add(e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()
                    + (trace.length() > 3000 ? trace.substring(0, 3000) + "…" : trace) + "\n  while sending:\n" + current);
        }
    }

    @Override
    public void close() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
        stop();
    }
}

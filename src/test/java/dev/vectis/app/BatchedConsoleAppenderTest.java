package dev.vectis.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Access-log lines leave in batches from one thread: every line once, whole, with its request id. */
class BatchedConsoleAppenderTest {

    /** Counts writes: a batch of lines should be one write, not one per line. */
    private static final class Out extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final AtomicInteger writes = new AtomicInteger();

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes.incrementAndGet();
            bytes.write(b, off, len);
        }

        synchronized List<String> lines() {
            return bytes.toString(StandardCharsets.UTF_8).lines().toList();
        }
    }

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Out out = new Out();

    private Logger logger(BatchedConsoleAppender appender) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%X{request_id:-} %msg%n");
        encoder.start();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.start();
        Logger logger = context.getLogger("batched-console-test-" + System.nanoTime());
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
        logger.addAppender(appender);
        return logger;
    }

    @Test
    void everyLineFromManyThreadsIsWrittenOnceAndWhole() throws Exception {
        BatchedConsoleAppender appender = new BatchedConsoleAppender(() -> out);
        Logger logger = logger(appender);
        int threads = 8;
        int each = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        MDC.put("request_id", "r" + thread + "-" + i);
                        logger.info("GET /things/{id} 200 {}ms", i);
                        MDC.remove("request_id");
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> out.lines().size() == threads * each);
        List<String> lines = out.lines();
        assertThat(lines).doesNotHaveDuplicates().allMatch(l -> l.matches("r[0-9]+-([0-9]+) GET /things/\\{id} 200 \\1ms"));
        assertThat(out.writes.get()).isLessThan(threads * each);
        appender.stop();
    }

    @Test
    void stoppingWritesWhatIsStillWaiting() {
        BatchedConsoleAppender appender = new BatchedConsoleAppender(() -> out);
        Logger logger = logger(appender);
        for (int i = 0; i < 500; i++) {
            logger.info("line {}", i);
        }
        appender.stop();
        assertThat(out.lines()).hasSize(500).endsWith(" line 499");
    }

    @Test
    void withoutAnEncoderItDoesNotStart() {
        BatchedConsoleAppender appender = new BatchedConsoleAppender(() -> out);
        appender.setContext(context);
        appender.start();
        assertThat(appender.isStarted()).isFalse();
    }
}

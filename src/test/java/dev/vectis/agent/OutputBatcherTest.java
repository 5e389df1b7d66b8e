package dev.vectis.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OutputBatcherTest {

    private record Sent(String type, String data) {
    }

    private final Queue<Sent> sent = new ConcurrentLinkedQueue<>();
    private final AtomicInteger over = new AtomicInteger();

    @Test
    void smallChunksGoTogetherAfterTheDelayInOrderPerStream() throws Exception {
        OutputBatcher b = batcher(1000, Duration.ofMillis(200), OutputBatcher.Outcome.SENT);
        b.chunk("stdout", "a");
        b.chunk("stdout", "b");
        b.chunk("stderr", "E");
        b.chunk("stdout", "c");

        await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 3);
        b.close();

        assertThat(sent).containsExactly(new Sent("stdout", "ab"), new Sent("stderr", "E"), new Sent("stdout", "c"));
    }

    @Test
    void aFullBatchGoesAtOnce() throws Exception {
        OutputBatcher b = batcher(10, Duration.ofHours(1), OutputBatcher.Outcome.SENT);

        b.chunk("stdout", "0123456789");

        await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 1);
        b.close();
    }

    @Test
    void closeSendsTheRestAndLongTextIsSplitWithoutBreakingCharacters() throws Exception {
        OutputBatcher b = batcher(4, Duration.ofHours(1), OutputBatcher.Outcome.SENT);
        String text = "abcdefg\uD83D\uDE00hij";
        b.chunk("stdout", text.substring(0, 3));
        b.close();
        OutputBatcher c = batcher(4, Duration.ofHours(1), OutputBatcher.Outcome.SENT);
        c.chunk("stderr", text);
        c.close();

        List<Sent> all = List.copyOf(sent);
        assertThat(all.get(0)).isEqualTo(new Sent("stdout", "abc"));
        String joined = all.stream().skip(1).map(Sent::data).collect(Collectors.joining());
        assertThat(joined).isEqualTo(text);
        assertThat(all.stream().skip(1)).allMatch(s -> s.data().length() <= 8
                && !Character.isHighSurrogate(s.data().charAt(s.data().length() - 1)));
    }

    @Test
    void anAnswerThatTheJobIsOverStopsSendingAndSaysSoOnce() throws Exception {
        OutputBatcher b = batcher(1, Duration.ofMillis(10), OutputBatcher.Outcome.JOB_OVER);
        b.chunk("stdout", "x");
        await().atMost(Duration.ofSeconds(5)).until(() -> over.get() == 1);

        b.chunk("stdout", "y");
        b.close();

        assertThat(sent).containsExactly(new Sent("stdout", "x"));
        assertThat(over).hasValue(1);
    }

    private OutputBatcher batcher(int maxChars, Duration delay, OutputBatcher.Outcome answer) {
        return new OutputBatcher((type, data) -> {
            sent.add(new Sent(type, data));
            return answer;
        }, maxChars, delay, over::incrementAndGet, "test").start();
    }
}

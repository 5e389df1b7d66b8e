package dev.vectis.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** However many writes fall between two sends, they go out as one small notification per channel. */
class OutboxTest {

    @Test
    void manyWritesBetweenTwoSendsMakeOneNotificationPerChannel() throws Exception {
        Outbox outbox = new Outbox();
        for (int i = 0; i < 1000; i++) {
            outbox.events();
            outbox.work(2);
            outbox.forget("workers", "w" + (i % 3));
        }
        List<Outbox.Notice> notices = outbox.take(() -> true).notices("node1");
        assertThat(notices).containsExactly(
                new Outbox.Notice(Channel.WORK, "node1\n2000"),
                new Outbox.Notice(Channel.EVENTS, "node1"),
                new Outbox.Notice(Channel.FORGET, "node1\nworkers\nw0\nw1\nw2"));
        assertThat(outbox.take(() -> false).isEmpty()).as("all of it was taken").isTrue();
    }

    @Test
    void moreKeysThanAPayloadHoldsForgetTheWholeCache() throws Exception {
        Outbox outbox = new Outbox();
        for (int i = 0; i < 1000; i++) {
            outbox.forget("workers", "worker-ü-" + i);
        }
        outbox.forget("other", "a\nb");
        List<Outbox.Notice> notices = outbox.take(() -> true).notices("node1");
        assertThat(notices).containsExactly(
                new Outbox.Notice(Channel.FORGET, "node1\nother\n*"),
                new Outbox.Notice(Channel.FORGET, "node1\nworkers\n*"));
        outbox.forget("workers", "w1");
        outbox.forget("workers", "w2");
        assertThat(outbox.take(() -> true).notices("n").get(0).payload().getBytes(StandardCharsets.UTF_8).length)
                .isLessThan(Outbox.MAX_PAYLOAD_BYTES);
    }

    @Test
    void whatCouldNotBeSentGoesWithTheNextSend() throws Exception {
        Outbox outbox = new Outbox();
        outbox.work(1);
        outbox.forget("workers", "w1");
        Outbox.Pending failed = outbox.take(() -> true);
        outbox.work(3);
        outbox.forget("workers", "w2");
        outbox.restore(failed);
        assertThat(outbox.take(() -> true).notices("n")).containsExactly(
                new Outbox.Notice(Channel.WORK, "n\n4"),
                new Outbox.Notice(Channel.FORGET, "n\nworkers\nw1\nw2"));
    }
}

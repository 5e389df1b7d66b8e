package dev.vectis.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vectis.db.Database;
import dev.vectis.jobs.JobEvents;
import dev.vectis.jobs.JobQueue;
import dev.vectis.jobs.NewJob;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.HoldsTransactionsOpen;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/** One read of a stored log per tick, handed to every subscriber of each key; on job_events. */
@HoldsTransactionsOpen
class FeedTest {

    private static final Duration NOW = Duration.ZERO;
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** The jobs' event log on a real database, and a feed over it. */
    private static final class Jobs implements AutoCloseable {
        final Database database;
        final JobQueue queue;
        final boolean postgres;

        Jobs(TestDatabase db) {
            database = db.open();
            postgres = db.isPostgres();
            MutableClock clock = new MutableClock();
            queue = new JobQueue(database.jdbi(), database.dialect(), clock, new JobEvents(new EventLog(database.jdbi(), clock), database.dialect()),
                    Duration.ofHours(1));
        }

        Feed feed(int queueLimit) {
            return new Feed("jobs", new Feed.Source((positions, limit) -> queue.eventsAfter(positions, limit).stream()
                    .map(e -> new FeedItem(e.jobId(), e.id(), e.kind(), e.data())).toList(), queue::latestEvent,
                    queue::newestEvent, queue.eventHorizon()::heldBack), queueLimit);
        }

        /**
         * Waits until the job's row {@code id} is final, so that the next read returns it: on
         * PostgreSQL any transaction open on the server (another test run's) holds rows back.
         */
        void awaitFinal(String jobId, long id) {
            try {
                await().atMost(WAIT).until(() -> queue.latestEvent(jobId) >= id);
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("row " + id + " is not final; transactions holding it back: " + writers(), e);
            }
        }

        /** On PostgreSQL, the transactions that have written and are open anywhere on the server. */
        private String writers() {
            return !postgres ? "(H2)" : database.jdbi().withHandle(h -> h.createQuery(
                    "SELECT datname || ' ' || state || ' ' || (now() - xact_start) || ' ' || LEFT(query, 100) "
                            + "FROM pg_stat_activity WHERE backend_xid IS NOT NULL").mapTo(String.class).list())
                    .toString();
        }

        String job() {
            return queue.create(new NewJob("true", "/uploads/x.zip", "x.zip", null, null)).id();
        }

        long output(String jobId, String text) {
            return database.jdbi().withHandle(h -> output(h, jobId, text));
        }

        static long output(Handle h, String jobId, String text) {
            return h.createUpdate("INSERT INTO job_events (job_id, kind, data, created_at) "
                            + "VALUES (:j, 'output', :d, 0)").bind("j", jobId).bind("d", "{\"data\":\"" + text + "\"}")
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
        }

        @Override
        public void close() {
            database.close();
        }
    }

    @DbTest
    void oneReadHandsEachKeysNewItemsToEverySubscriberOfThatKey(TestDatabase db) throws Exception {
        try (Jobs jobs = new Jobs(db)) {
            Feed feed = jobs.feed(100);
            String a = jobs.job();
            String b = jobs.job();
            long start = jobs.output(a, "before");
            List<Subscription> onA = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                onA.add(feed.subscribe(a, start));
            }
            Subscription onB = feed.subscribe(b, start);
            long a1 = jobs.output(a, "a1");
            long b1 = jobs.output(b, "b1");
            long a2 = jobs.output(a, "a2");
            jobs.awaitFinal(a, a2);

            feed.poll();

            assertThat(feed.reads()).as("one read for eleven subscribers of two keys").isEqualTo(1);
            for (Subscription s : onA) {
                assertThat(s.take(NOW)).extracting(FeedItem::id).containsExactly(a1, a2);
            }
            assertThat(onB.take(NOW)).extracting(FeedItem::id).containsExactly(b1);
            feed.poll();
            assertThat(onB.take(NOW)).as("nothing twice").isEmpty();

            onA.forEach(Subscription::close);
            onB.close();
            long readsBefore = feed.reads();
            feed.poll();
            assertThat(feed.reads()).as("nobody follows anything: no read").isEqualTo(readsBefore);
        }
    }

    /**
     * Rows of two jobs committed out of id order: a position that passed the first job's row
     * while it was uncommitted would never send it. The newer row waits until the older one's
     * transaction has ended, and then both are sent.
     */
    @DbTest
    void aRowCommittedAfterANewerOneIsSentAndTheNewerWaitsForIt(TestDatabase db) throws Exception {
        try (Jobs jobs = new Jobs(db)) {
            Feed feed = jobs.feed(100);
            String slow = jobs.job();
            String quick = jobs.job();
            Subscription onSlow = feed.subscribe(slow, jobs.output(slow, "start"));
            Subscription onQuick = feed.subscribe(quick, jobs.output(quick, "start"));
            long late;
            long early;
            try (Handle tx = jobs.database.jdbi().open()) {
                tx.begin();
                late = Jobs.output(tx, slow, "late");
                early = jobs.output(quick, "early");
                assertThat(late).isLessThan(early);
                feed.poll();
                feed.poll();
                assertThat(onQuick.take(NOW)).as("held back by the open transaction").isEmpty();
                assertThat(jobs.queue.latestEvent(quick)).isLessThan(early);
                assertThat(onSlow.take(NOW)).isEmpty();
                tx.commit();
            }
            jobs.awaitFinal(quick, early);
            feed.poll();
            assertThat(onSlow.take(NOW)).extracting(FeedItem::id).containsExactly(late);
            assertThat(onQuick.take(NOW)).extracting(FeedItem::id).containsExactly(early);
        }
    }

    /**
     * The transaction holding the older row began (and wrote) after the one holding the newer
     * row: its row is still not passed. A rule on each row's own transaction id would have sent
     * the newer row, whose transaction is the older one, and so lost the other.
     */
    @DbTest
    void aRowIsHeldBackEvenByATransactionYoungerThanItsOwn(TestDatabase db) throws Exception {
        try (Jobs jobs = new Jobs(db)) {
            Feed feed = jobs.feed(100);
            String job = jobs.job();
            String other = jobs.job();
            Subscription sub = feed.subscribe(job, jobs.output(job, "start"));
            long first;
            long second;
            try (Handle older = jobs.database.jdbi().open(); Handle younger = jobs.database.jdbi().open()) {
                older.begin();
                Jobs.output(older, other, "the older transaction writes first");
                younger.begin();
                first = Jobs.output(younger, job, "first");
                second = Jobs.output(older, job, "second");
                older.commit();
                assertThat(first).isLessThan(second);
                feed.poll();
                feed.poll();
                assertThat(sub.take(NOW)).as("the younger transaction is still open").isEmpty();
                younger.commit();
            }
            jobs.awaitFinal(job, second);
            feed.poll();
            assertThat(sub.take(NOW)).extracting(FeedItem::id).containsExactly(first, second);
        }
    }

    /** The id a stream labels its subject's current state with: the newest, once it is final. */
    @DbTest
    void theLatestOnceFinalWaitsForHeldBackRowsAndOtherwiseGivesTheFinalOne(TestDatabase db) throws Exception {
        try (Jobs jobs = new Jobs(db)) {
            Feed feed = jobs.feed(100);
            String job = jobs.job();
            long start = jobs.output(job, "start");
            assertThat(feed.latestOnceFinal(job, WAIT)).isEqualTo(start);
            long held;
            try (Handle tx = jobs.database.jdbi().open()) {
                tx.begin();
                held = Jobs.output(tx, job, "held");
                assertThat(feed.latestOnceFinal(job, Duration.ofMillis(50))).as("not final").isLessThan(held);
                tx.commit();
            }
            assertThat(feed.latestOnceFinal(job, WAIT)).isEqualTo(held);
        }
    }

    /** A stream whose subject finished sends what was stored, waiting for rows an open transaction holds back. */
    @DbTest
    void finishingWaitsForHeldBackRowsAndSendsThemInOrder(TestDatabase db) throws Exception {
        try (Jobs jobs = new Jobs(db)) {
            Feed feed = jobs.feed(100);
            String job = jobs.job();
            long start = jobs.output(job, "start");
            List<Long> sent = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> finished;
            long held;
            long last;
            try (Handle tx = jobs.database.jdbi().open(); Follower follower = new Follower(feed, job, start)) {
                tx.begin();
                held = Jobs.output(tx, job, "held");
                last = jobs.output(job, "last");
                finished = CompletableFuture.runAsync(() -> {
                    try {
                        follower.finish(item -> sent.add(item.id()), WAIT);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                await().atMost(WAIT).until(() -> feed.subscribers() == 1);
                feed.poll();
                assertThat(sent).isEmpty();
                assertThat(finished).isNotDone();
                tx.commit();
                await().atMost(WAIT).until(() -> {
                    feed.poll();
                    return finished.isDone();
                });
                finished.get(1, TimeUnit.SECONDS);
            }
            assertThat(sent).containsExactly(held, last);
        }
    }

    @DbTest
    void aSubscriberThatFallsAQueueBehindIsDroppedAndTheOthersGoOn(TestDatabase db) throws Exception {
        try (Jobs jobs = new Jobs(db)) {
            Feed feed = jobs.feed(3);
            String job = jobs.job();
            long start = jobs.output(job, "start");
            Subscription slow = feed.subscribe(job, start);
            Subscription keepingUp = feed.subscribe(job, start);
            List<Long> sent = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                sent.add(jobs.output(job, "x" + round));
                sent.add(jobs.output(job, "y" + round));
                jobs.awaitFinal(job, sent.get(sent.size() - 1));
                feed.poll();
                assertThat(keepingUp.take(NOW)).extracting(FeedItem::id).containsExactlyElementsOf(sent.subList(
                        sent.size() - 2, sent.size()));
            }
            assertThat(slow.open()).as("six items waiting, room for three").isFalse();
            assertThat(slow.dropped()).isTrue();
            assertThat(slow.take(NOW)).isEmpty();
            assertThat(keepingUp.open()).isTrue();
            assertThat(feed.dropped()).isEqualTo(1);
        }
    }

    /** The feed moved on between the stream's catching up and its joining: the stream reads the gap itself. */
    @DbTest
    void aStreamJoiningBehindTheFeedReadsWhatLiesBetweenOnce(TestDatabase db) throws Exception {
        try (Jobs jobs = new Jobs(db)) {
            Feed feed = jobs.feed(100);
            String job = jobs.job();
            long first = jobs.output(job, "first");
            jobs.awaitFinal(job, first);
            Subscription other = feed.subscribe(job, first);
            List<Long> sent = new ArrayList<>();
            try (Follower follower = new Follower(feed, job, 0)) {
                follower.catchUp(item -> sent.add(item.id()));
                long between = jobs.output(job, "between");
                jobs.awaitFinal(job, between);
                feed.poll();
                follower.join(item -> sent.add(item.id()));
                long after = jobs.output(job, "after");
                jobs.awaitFinal(job, after);
                feed.poll();
                assertThat(follower.next(NOW, item -> sent.add(item.id()))).isTrue();
                assertThat(sent).containsExactlyElementsOf(history(jobs, job, first, between, after));
            }
            assertThat(other.take(NOW)).hasSize(2);
        }
    }

    /** The feed had not yet read what the stream caught up on: what it hands out again is skipped. */
    @DbTest
    void aStreamJoiningAheadOfTheFeedGetsNothingTwice(TestDatabase db) throws Exception {
        try (Jobs jobs = new Jobs(db)) {
            Feed feed = jobs.feed(100);
            String job = jobs.job();
            Subscription other = feed.subscribe(job, jobs.output(job, "first"));
            long unread = jobs.output(job, "not yet read by the feed");
            jobs.awaitFinal(job, unread);
            List<Long> sent = new ArrayList<>();
            try (Follower follower = new Follower(feed, job, unread - 1)) {
                follower.catchUp(item -> sent.add(item.id()));
                follower.join(item -> sent.add(item.id()));
                feed.poll();
                long next = jobs.output(job, "next");
                jobs.awaitFinal(job, next);
                feed.poll();
                assertThat(follower.next(NOW, item -> sent.add(item.id()))).isTrue();
                assertThat(sent).containsExactly(unread, next);
            }
            assertThat(other.take(NOW)).hasSize(2);
        }
    }

    @DbTest
    void aClientClaimingAnIdFromTheFutureHoldsBackNoOtherStream(TestDatabase db) throws Exception {
        try (Jobs jobs = new Jobs(db)) {
            Feed feed = jobs.feed(100);
            String job = jobs.job();
            jobs.awaitFinal(job, jobs.output(job, "start"));
            List<Long> toLiar = new ArrayList<>();
            List<Long> toHonest = new ArrayList<>();
            try (Follower liar = new Follower(feed, job, Long.MAX_VALUE / 2);
                 Follower honest = new Follower(feed, job, 0)) {
                liar.catchUp(item -> toLiar.add(item.id()));
                liar.join(item -> toLiar.add(item.id()));
                honest.catchUp(item -> toHonest.add(item.id()));
                honest.join(item -> toHonest.add(item.id()));
                long next = jobs.output(job, "next");
                jobs.awaitFinal(job, next);
                feed.poll();
                assertThat(honest.next(NOW, item -> toHonest.add(item.id()))).isTrue();
                assertThat(liar.next(NOW, item -> toLiar.add(item.id()))).isTrue();
                assertThat(toHonest).endsWith(next);
                assertThat(toLiar).isEmpty();
            }
        }
    }

    /** The ids of all the job's events: its "pending" status, then the given outputs. */
    private static List<Long> history(Jobs jobs, String job, Long... outputs) {
        List<Long> all = jobs.database.jdbi().withHandle(h -> h.createQuery(
                "SELECT id FROM job_events WHERE job_id = :j ORDER BY id").bind("j", job).mapTo(Long.class).list());
        assertThat(all.subList(1, all.size())).containsExactly(outputs);
        return all;
    }

    @Test
    void closingEndsEverySubscriptionAndAnyMadeLater() throws Exception {
        FeedReader reader = new FeedReader();
        Feed feed = reader.add("jobs", new Feed.Source((positions, limit) -> List.of(), key -> 0, key -> 0, () -> false));
        Subscription before = feed.subscribe("job", 0);
        reader.close();
        assertThat(before.open()).isFalse();
        assertThat(before.take(Duration.ofSeconds(30))).as("returns at once").isEmpty();
        assertThat(feed.subscribe("job", 0).open()).isFalse();
        before.close();
        assertThat(reader.subscribers()).isZero();
    }
}

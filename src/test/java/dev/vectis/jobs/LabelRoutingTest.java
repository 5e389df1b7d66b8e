package dev.vectis.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.testing.DbTest;
import dev.vectis.testing.TestDatabase;
import dev.vectis.workers.ExecutorRegistration;
import dev.vectis.workers.Labels;
import org.jdbi.v3.core.Handle;

/** Jobs that require labels go only to workers carrying all of them; jobs without labels go to anyone. */
class LabelRoutingTest {

    @DbTest
    void aJobWithLabelsIsClaimedOnlyByAWorkerCarryingThemAll(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            worker(f, "plain", null);
            worker(f, "linux", "os=linux");
            worker(f, "gpu", "os=linux,gpu=true,zone=eu");
            Job job = job(f, "gpu=true,os=linux");

            assertThat(f.queue.claim("plain").outcome()).isEqualTo(Claim.Outcome.NO_JOB);
            assertThat(f.queue.claim("linux").outcome()).as("lacks gpu=true").isEqualTo(Claim.Outcome.NO_JOB);
            Claim claim = f.queue.claim("gpu");
            assertThat(claim.outcome()).isEqualTo(Claim.Outcome.CLAIMED);
            assertThat(claim.job().id()).isEqualTo(job.id());
            assertThat(claim.job().labels().canonical()).isEqualTo("gpu=true,os=linux");
        }
    }

    @DbTest
    void aJobWithoutLabelsIsClaimedByAnyWorkerInOrder(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            worker(f, "plain", null);
            worker(f, "gpu", "gpu=true");
            Job first = job(f, null);
            Job labelled = job(f, "gpu=true");
            Job third = job(f, null);

            assertThat(f.queue.claim("gpu").job().id()).as("oldest it may take").isEqualTo(first.id());
            assertThat(f.queue.claim("plain").job().id()).as("steps over the labelled job").isEqualTo(third.id());
            worker(f, "gpu2", "gpu=true");
            assertThat(f.queue.claim("gpu2").job().id()).isEqualTo(labelled.id());
        }
    }

    @DbTest
    void aJobNoWorkerCanTakeStaysPendingWithoutHoldingUpOthers(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            worker(f, "w1", null);
            worker(f, "w2", "os=linux");
            Job stuck = job(f, "arch=riscv");
            Job other = job(f, null);

            assertThat(f.queue.claim("w1").job().id()).isEqualTo(other.id());
            assertThat(f.queue.claim("w2").outcome()).isEqualTo(Claim.Outcome.NO_JOB);
            assertThat(f.queue.get(stuck.id()).status()).isEqualTo(Job.PENDING);
        }
    }

    @DbTest
    void anAnonymousPollTakesOnlyJobsWithoutLabels(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            worker(f, "spec-agent", "gpu=true");
            job(f, "gpu=true");
            assertThat(f.queue.claimFrom(QueueFixture.ADDRESS).outcome()).isEqualTo(Claim.Outcome.NO_JOB);
            Job plain = job(f, null);
            assertThat(f.queue.claimFrom(QueueFixture.ADDRESS).job().id()).isEqualTo(plain.id());
        }
    }

    @DbTest
    void registrationReplacesLabelsOnlyWhenItNamesThem(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            worker(f, "w1", "gpu=true");
            assertThat(f.workers.labels().get("w1").canonical()).isEqualTo("gpu=true");
            worker(f, "w1", null);
            assertThat(f.workers.labels().get("w1").canonical()).as("said nothing: kept").isEqualTo("gpu=true");
            worker(f, "w1", "os=linux");
            assertThat(f.workers.labels().get("w1").canonical()).isEqualTo("os=linux");
            f.workers.registerExecutor(new ExecutorRegistration("w1", "w1.local", "linux", 2, "1.0", 1,
                    QueueFixture.ADDRESS, Labels.NONE));
            assertThat(f.workers.labels().get("w1").isEmpty()).as("an empty set clears them").isTrue();

            assertThat(f.workers.labels().replace("w1", labels("gpu=true"))).isTrue();
            assertThat(f.workers.labels().replace("w1", labels("gpu=true"))).as("no change").isFalse();
            job(f, "gpu=true");
            assertThat(f.queue.claim("w1").outcome()).as("an operator's labels count at once")
                    .isEqualTo(Claim.Outcome.CLAIMED);
        }
    }

    @DbTest
    void theClaimOfAWorkerWithoutLabelsWalksOnlyJobsWithoutLabels(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.database.jdbi().useHandle(h -> {
                h.execute("INSERT INTO jobs (id, command, file_url, filename, status, max_attempts, timeout_seconds, "
                        + "created_at, labels) SELECT 'stuck-' || x, 'echo', '/x.zip', 'x.zip', 'pending', 1, 60, 0, "
                        + "'arch=riscv' FROM " + (db.isPostgres() ? "generate_series(1, 5000) AS x"
                        : "SYSTEM_RANGE(1, 5000) AS t(x)"));
                h.execute("ANALYZE" + (db.isPostgres() ? " jobs" : ""));
            });
            Job job = job(f, null);
            worker(f, "w1", null);
            String plan = f.database.jdbi().withHandle(h -> plan(h, JobStore.NEXT_PENDING));
            assertThat(plan.toUpperCase())
                    .contains(db.isPostgres() ? "JOBS_PENDING_UNLABELLED" : "JOBS_STATUS_LABELS_SEQ");
            assertThat(f.queue.claim("w1").job().id()).isEqualTo(job.id());
        }
    }

    private static String plan(Handle h, String sql) {
        return String.join("\n", h.createQuery("EXPLAIN " + sql.replace(" FOR UPDATE SKIP LOCKED", ""))
                .mapTo(String.class).list());
    }

    private static void worker(QueueFixture f, String id, String labels) {
        f.workers.registerExecutor(new ExecutorRegistration(id, id + ".local", "linux", 2, "1.0", 1,
                QueueFixture.ADDRESS, labels == null ? null : labels(labels)));
    }

    private static Job job(QueueFixture f, String labels) {
        return f.queue.create(new NewJob("echo", "/uploads/x.zip", "x.zip", null, null,
                labels == null ? Labels.NONE : labels(labels)));
    }

    private static Labels labels(String text) {
        return Labels.fromText(text, "labels");
    }
}

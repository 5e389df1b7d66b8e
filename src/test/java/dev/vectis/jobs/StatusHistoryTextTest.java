package dev.vectis.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.TestDatabase;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A status change's history is the same text whichever way it was written: serialized here, or
 * (PostgreSQL's one-statement claim and completion) assembled by SQL in the statement itself.
 */
class StatusHistoryTextTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @DbTest
    void claimAndCompletionRecordTheTextJacksonWrites(TestDatabase db) throws Exception {
        try (QueueFixture f = new QueueFixture(db)) {
            // A worker id with characters JSON must escape, which the contract's pattern would refuse.
            String worker = "w\"1\\é";
            f.worker(worker, 1);
            Job job = f.job("echo", null, null);
            assertThat(f.queue.claim(worker).outcome()).isEqualTo(Claim.Outcome.CLAIMED);
            long claimedAt = f.clock.millis();
            f.clock.advance(java.time.Duration.ofSeconds(3));
            f.results.complete(job.id(), worker, null, "out", "", 7);
            long completedAt = f.clock.millis();

            List<String> history = f.database.jdbi().withHandle(h -> h.createQuery("SELECT data FROM job_events "
                    + "WHERE job_id = :j AND kind = 'status' ORDER BY id").bind("j", job.id()).mapTo(String.class).list());
            assertThat(history).containsExactly(
                    text(job.id(), Job.PENDING, null, 0, null, job.createdAt()),
                    text(job.id(), Job.RUNNING, worker, 1, null, claimedAt),
                    text(job.id(), Job.COMPLETED, worker, 1, 7, completedAt));
            List<String> logged = f.database.jdbi().withHandle(h -> h.createQuery("SELECT type || ' ' || data FROM events "
                    + "WHERE type LIKE 'job.%' ORDER BY id").mapTo(String.class).list());
            assertThat(logged).containsExactly(
                    "job.pending " + text(job.id(), Job.PENDING, null, 0, null, job.createdAt()),
                    "job.running " + text(job.id(), Job.RUNNING, worker, 1, null, claimedAt),
                    "job.completed " + text(job.id(), Job.COMPLETED, worker, 1, 7, completedAt));
        }
    }

    private String text(String jobId, String status, String worker, int attempt, Integer exitCode, long at)
            throws Exception {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("jobId", jobId);
        data.put("status", status);
        data.put("workerId", worker);
        data.put("attempt", attempt);
        data.put("exitCode", exitCode);
        data.put("errorMessage", null);
        data.put("timestamp", at);
        return mapper.writeValueAsString(data);
    }
}

package dev.vectis.jobs;

import java.util.List;
import java.util.Set;

/**
 * Which jobs a listing shows, and in which order: by status (any of several), by the worker
 * that ran them, by the token that created them (a submitter sees only its own); oldest first,
 * as the command-executor listing always was, or newest first. Null and empty mean any.
 */
public record JobFilter(List<String> statuses, String workerId, String createdBy, boolean newestFirst) {

    public static final Set<String> STATUSES = Set.of(Job.PENDING, Job.RUNNING, Job.COMPLETED, Job.FAILED,
            Job.CANCELLED);

    public JobFilter {
        statuses = statuses == null ? List.of() : List.copyOf(statuses);
    }

    /** Every job, oldest first. */
    public static JobFilter all(String createdBy) {
        return new JobFilter(List.of(), null, createdBy, false);
    }

    JobFilter createdBy(String token) {
        return new JobFilter(statuses, workerId, token, newestFirst);
    }

    /** The WHERE clause, binding :workerId, :createdBy and the list :statuses when used. */
    String where() {
        StringBuilder sql = new StringBuilder("1 = 1");
        if (!statuses.isEmpty()) {
            sql.append(" AND status IN (<statuses>)");
        }
        if (workerId != null) {
            sql.append(" AND worker_id = :workerId");
        }
        if (createdBy != null) {
            sql.append(" AND created_by_token = :createdBy");
        }
        return sql.toString();
    }
}

package dev.vectis.jobs;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * What a job's status change records, in its history and in the operator log. Written two
 * ways, kept side by side so the fields stay one list: as a map Jackson serializes, and as
 * SQL that builds the same text inside a statement that learns the job's attempt as it makes
 * the change (StatusHistoryTextTest holds the two to the same bytes).
 */
record StatusData(String jobId, String status, String workerId, int attempt, Integer exitCode, String errorMessage,
                  long timestamp) {

    Map<String, Object> map() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("jobId", jobId);
        data.put("status", status);
        data.put("workerId", workerId);
        data.put("attempt", attempt);
        data.put("exitCode", exitCode);
        data.put("errorMessage", errorMessage);
        data.put("timestamp", timestamp);
        return data;
    }

    /**
     * SQL text of {@link #map()} for the row a WITH clause {@code changed} returned (its id and
     * attempt); the other fields are parameters bound by {@link #bind}.
     */
    static String sql(String changed) {
        return "'{\"jobId\":' || " + json(changed + ".id") + " || ',\"status\":' || " + json(":jeStatus")
                + " || ',\"workerId\":' || " + json(":jeWorker") + " || ',\"attempt\":' || " + changed + ".attempt || "
                + "',\"exitCode\":' || COALESCE(CAST(CAST(:jeExit AS INTEGER) AS TEXT), 'null') || ',\"errorMessage\":' || "
                + json(":jeError") + " || ',\"timestamp\":' || CAST(:jeNow AS BIGINT) || '}'";
    }

    /** Binds {@link #sql}'s parameters, and {@code :jeType}, the event's type. */
    static <S extends SqlStatement<S>> S bind(S statement, String status, String workerId, Integer exitCode,
                                              String errorMessage, long now) {
        return statement.bind("jeStatus", status).bind("jeType", "job." + status).bind("jeWorker", workerId)
                .bind("jeExit", exitCode).bind("jeError", errorMessage).bind("jeNow", now);
    }

    /** SQL: a text value as JSON (a quoted, escaped string, or null). */
    private static String json(String text) {
        return "COALESCE(CAST(to_json(CAST(" + text + " AS TEXT)) AS TEXT), 'null')";
    }
}

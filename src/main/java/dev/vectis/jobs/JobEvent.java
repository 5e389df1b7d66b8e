package dev.vectis.jobs;

/** One entry of a job's history: kind "status" or "output", data a JSON object. */
public record JobEvent(long id, String jobId, String kind, String data, long createdAt) {
}

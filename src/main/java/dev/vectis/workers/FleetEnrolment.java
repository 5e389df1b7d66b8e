package dev.vectis.workers;

/**
 * The answer to a fleet enrolment. {@code created} false means a worker already had that IP;
 * {@code secretMatches} then says whether the caller proved it is that worker (the same
 * machine enrolling again), and only then may it learn the worker's identity.
 */
public record FleetEnrolment(boolean created, String id, String subdomain, String ip, boolean secretMatches) {
}

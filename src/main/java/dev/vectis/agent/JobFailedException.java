package dev.vectis.agent;

/** The job cannot run; the message becomes its {@code errorMessage} on the server. */
final class JobFailedException extends Exception {

    JobFailedException(String message) {
        super(message);
    }
}

package dev.vectis.agent;

/** A problem the agent cannot work around; its message is meant for the person running it. */
final class AgentException extends RuntimeException {

    AgentException(String message) {
        super(message);
    }

    AgentException(String message, Throwable cause) {
        super(message, cause);
    }
}

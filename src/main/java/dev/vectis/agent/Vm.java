package dev.vectis.agent;

/** One VM a provisioner started; its log is a file that the VM API serves. */
interface Vm {

    /** Stops it and waits (within the kill grace) until it has; stopping twice is harmless. */
    void stop() throws InterruptedException;

    /** False once it was stopped or its provisioner exited. */
    boolean running();
}

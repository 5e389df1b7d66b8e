package dev.vectis.agent;

import java.security.SecureRandom;

/**
 * Action 3 without a hypervisor: writes a short, believable start-up log over about a
 * second and a half, ending in connection details and {@code Status: ready}, so the whole
 * purchase flow can be tried end to end.
 */
final class SimulatedVm implements Vm {

    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";

    private final String route;
    private final String host;
    private final VmLog log;
    private final String password;
    private final Thread thread;
    private volatile boolean stopped;

    SimulatedVm(String route, String host, VmLog log, SecureRandom random) {
        this.route = route;
        this.host = host;
        this.log = log;
        this.password = password(random);
        this.thread = new Thread(this::boot, "vectis-agent-vm-" + route);
        this.thread.setDaemon(true);
    }

    SimulatedVm start() {
        thread.start();
        return this;
    }

    private void boot() {
        String[] steps = {
            "Creating test VM " + route + " (simulated)",
            "Allocating 2 vCPU, 4 GiB memory, 40 GiB disk",
            "Booting image vectis-test",
            "Configuring remote desktop",
        };
        try {
            for (String step : steps) {
                log.append(step + "\n");
                Thread.sleep(375);
            }
            log.append("RDP host: " + host + "\nRDP port: 3389\nUsername: vectis\nPassword: " + password
                    + "\nStatus: ready\n");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void stop() throws InterruptedException {
        if (stopped) {
            return;
        }
        stopped = true;
        thread.interrupt();
        thread.join();
        log.append("Status: stopped\n");
    }

    @Override
    public boolean running() {
        return !stopped;
    }

    private static String password(SecureRandom random) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }
}

package dev.vectis.agent;

import dev.vectis.process.ShellRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VMs of the worker side of vps-marketplace.md. Action 1 runs the provisioner executable
 * {@code linux}, action 2 {@code windows}, action 3 {@code test} if present, else the built-in
 * simulation. Each VM gets a random route ({@code quack_…}) that names it and its log.
 */
final class VirtualMachines {

    private static final Logger LOG = LoggerFactory.getLogger(VirtualMachines.class);
    static final Pattern ROUTE = Pattern.compile("quack_[a-z0-9]{10}");
    private static final String ROUTE_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final Map<Integer, String> EXECUTABLES = Map.of(1, "linux", 2, "windows", 3, "test");

    /** A request this worker will not carry out; the message says why. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private record Entry(Vm vm, VmLog log, String key, int action, Instant createdAt) {
    }

    /** A VM as {@code GET /vms} lists it. */
    record Listed(String route, String key, int action, boolean running, Instant createdAt) {
    }

    private final Optional<Path> provisioners;
    private final Path logDir;
    private final String host;
    private final ShellRunner runner;
    private final SecureRandom random;
    private final Map<String, Entry> vms = new ConcurrentHashMap<>();
    /** The route each idempotency key made. */
    private final Map<String, String> byKey = new ConcurrentHashMap<>();

    VirtualMachines(Optional<Path> provisioners, Path logDir, String host, ShellRunner runner, SecureRandom random) {
        this.provisioners = provisioners;
        this.logDir = logDir;
        this.host = host;
        this.runner = runner;
        this.random = random;
    }

    /**
     * Starts a VM for the action and returns its route. With a key (Vectis sends the session's
     * id) a repeated request returns the route the first one made, and makes nothing: a caller
     * that lost the answer can ask again safely. One at a time, so two requests with one key
     * cannot both start a VM.
     */
    synchronized String create(int action, String key) throws Refused, IOException {
        String made = key == null ? null : byKey.get(key);
        if (made != null) {
            LOG.info("VM {} already made for this idempotency key; returning it again", made);
            return made;
        }
        String name = EXECUTABLES.get(action);
        if (name == null) {
            throw new Refused("action must be 1 (Linux), 2 (Windows) or 3 (test)");
        }
        Optional<Path> exe = provisioners.map(dir -> dir.resolve(name)).filter(Files::isExecutable);
        if (exe.isEmpty() && action != 3) {
            throw new Refused(provisioners.map(dir -> "no provisioner for action " + action + ": " + dir.resolve(name)
                    + " is missing or not executable").orElse("no provisioner for action " + action
                    + ": this agent was started without --provisioners"));
        }
        Files.createDirectories(logDir);
        String route = newRoute();
        VmLog log = new VmLog(logDir.resolve(route + ".log"));
        Vm vm = exe.isPresent() ? new ProvisionerVm(runner, exe.get(), route, log)
                : new SimulatedVm(route, host, log, random).start();
        vms.put(route, new Entry(vm, log, key, action, Instant.now()));
        if (key != null) {
            byKey.put(key, route);
        }
        LOG.info("VM {} created (action {}, {})", route, action, exe.map(Path::toString).orElse("simulated"));
        return route;
    }

    Optional<String> log(String route) {
        return Optional.ofNullable(vms.get(route)).map(e -> e.log().read());
    }

    /** False when there is no such VM. */
    boolean stop(String route) throws InterruptedException {
        Entry e = vms.get(route);
        if (e == null) {
            return false;
        }
        e.vm().stop();
        LOG.info("VM {} stopped", route);
        return true;
    }

    /** On shutdown: provisioners must not outlive the agent that tracks them. */
    void stopAll() throws InterruptedException {
        for (String route : new ArrayList<>(vms.keySet())) {
            stop(route);
        }
    }

    List<String> routes() {
        return List.copyOf(vms.keySet());
    }

    /** Every VM this agent made since it started, oldest first. */
    List<Listed> list() {
        return vms.entrySet().stream()
                .map(e -> new Listed(e.getKey(), e.getValue().key(), e.getValue().action(), e.getValue().vm().running(),
                        e.getValue().createdAt()))
                .sorted(java.util.Comparator.comparing(Listed::createdAt).thenComparing(Listed::route)).toList();
    }

    private String newRoute() {
        while (true) {
            StringBuilder b = new StringBuilder("quack_");
            for (int i = 0; i < 10; i++) {
                b.append(ROUTE_CHARS.charAt(random.nextInt(ROUTE_CHARS.length())));
            }
            if (!vms.containsKey(b.toString())) {
                return b.toString();
            }
        }
    }
}

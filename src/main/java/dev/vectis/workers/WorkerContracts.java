package dev.vectis.workers;

import java.util.ArrayList;
import java.util.List;

/**
 * Which contracts a worker speaks, named after their documents. A worker enrolled through
 * fleet registration runs command-executor jobs too, and any worker given a base URL hosts
 * VPS sessions, so one worker may speak several.
 */
public final class WorkerContracts {

    public static final String FLEET = "fleet-registration";
    public static final String EXECUTOR = "command-executor";
    public static final String GATEWAY = "session-worker-gateway";
    public static final String MARKETPLACE = "vps-marketplace";
    public static final List<String> ALL = List.of(FLEET, EXECUTOR, GATEWAY, MARKETPLACE);

    private WorkerContracts() {
    }

    /** From the registering contract (workers.enrolled_via) and the base URL, in the order of {@link #ALL}. */
    static List<String> of(String enrolledVia, String baseUrl) {
        List<String> contracts = new ArrayList<>();
        if ("fleet".equals(enrolledVia)) {
            contracts.add(FLEET);
        }
        if ("fleet".equals(enrolledVia) || "executor".equals(enrolledVia)) {
            contracts.add(EXECUTOR);
        }
        if ("gateway".equals(enrolledVia)) {
            contracts.add(GATEWAY);
        }
        if (baseUrl != null) {
            contracts.add(MARKETPLACE);
        }
        return contracts;
    }

    /** SQL, true when the worker (alias {@code w}) speaks the contract, one of {@link #ALL}. */
    static String speaks(String w, String contract) {
        return switch (contract) {
            case FLEET -> w + ".enrolled_via = 'fleet'";
            case EXECUTOR -> w + ".enrolled_via IN " + WorkerStore.JOB_RUNNERS;
            case GATEWAY -> w + ".enrolled_via = 'gateway'";
            case MARKETPLACE -> w + ".base_url IS NOT NULL";
            default -> throw new IllegalArgumentException(contract);
        };
    }
}

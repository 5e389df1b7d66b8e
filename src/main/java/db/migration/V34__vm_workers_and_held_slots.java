package db.migration;

/**
 * Each marketplace round lists the workers that serve VMs, and each reconciliation of a worker
 * lists the sessions holding its slots (those in doubt among them). Both are a handful of rows
 * in tables that grow large (every gateway worker, every session ever sold) and were read by
 * scanning the whole table, a cost that grew with the fleet and the sales and came in bursts.
 * These indexes hold only the rows those reads want. H2 has no partial indexes; its embedded
 * single node keeps scanning.
 */
public class V34__vm_workers_and_held_slots extends PostgresOnlyMigration {

    @Override
    String[] statements() {
        return new String[] {
                "CREATE INDEX workers_vm ON workers (id) WHERE base_url IS NOT NULL",
                "CREATE INDEX vps_sessions_held ON vps_sessions (worker_id) WHERE holds_slot = TRUE"};
    }
}

package dev.vectis.auth;

import dev.vectis.auth.Credentials.Role;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an endpoint needs, and which roles grant it. Each operator endpoint of every contract
 * asks for one of these (docs/tokens.md has the table), so a role's reach is decided here and
 * nowhere else.
 */
public enum Permission {
    /** Read what operators see: workers, jobs, sessions, users, ledgers, providers, nodes, the audit log. */
    READ(Role.ADMIN, Role.OPERATOR, Role.VIEWER),
    /** Take work out of rotation or stop it: drain, resume, disable a worker, cancel a job. */
    OPERATE(Role.ADMIN, Role.OPERATOR),
    /** Create and run jobs (and read the jobs one's own token created). */
    SUBMIT(Role.ADMIN, Role.SUBMITTER),
    /** Everything else: coins, users, products, provider approvals, tokens, worker settings and commands. */
    MANAGE(Role.ADMIN),
    /** A worker's own calls: enrol, register, heartbeat, poll. The admin token counts as a worker token. */
    WORK(Role.ADMIN, Role.WORKER);

    private final Set<Role> roles;

    Permission(Role first, Role... more) {
        this.roles = EnumSet.of(first, more);
    }

    public boolean allows(Role role) {
        return roles.contains(role);
    }

    /** The roles that grant any of these, e.g. "admin or operator". */
    public static String roleNames(Permission... any) {
        EnumSet<Role> granting = EnumSet.noneOf(Role.class);
        for (Permission p : any) {
            granting.addAll(p.roles);
        }
        return granting.stream().map(Role::wire).collect(Collectors.joining(" or "));
    }
}

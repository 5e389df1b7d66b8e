#!/usr/bin/env bash
# Vectis worker installer (fleet-registration.md, "Worker (install.sh)").
#
#   curl -fsSL "$VECTIS_URL/install.sh" | VECTIS_URL=https://vectis.example.com VECTIS_TOKEN=... bash
#
# Creates the worker secret, finds the public IP, registers with POST /api/v1/workers,
# installs the agent jar and a systemd unit that runs it as the user vectis (created when
# missing), and writes /etc/vectis/worker.conf last. The token is used to register and is
# not written anywhere. Re-running with worker.conf present changes nothing.
#
# Environment:
#   VECTIS_URL            server base URL (required), e.g. https://vectis.example.com
#   VECTIS_TOKEN          a worker token (required)
#   PUBLIC_IP             this machine's public IP (default: detected)
#   VECTIS_IP_DETECT_URL  public-IP echo service (default: https://api.ipify.org)
#   VECTIS_INSTALL_ROOT   prefix for every path written (default: /)
#
# The whole script is a function called on the last line, so a truncated download from
# `curl | bash` runs nothing. Nothing here reads standard input (that is the script itself
# when piped), and the token and the secret never appear on a command line.
set -euo pipefail

main() {
    umask 022

    local root conf_dir conf_file secret_file env_file state_dir jar_dir jar_file unit_dir unit_file
    root="${VECTIS_INSTALL_ROOT:-/}"
    while [[ "$root" == */ ]]; do
        root="${root%/}"
    done
    # root is now "" for / and has no trailing slash otherwise.
    conf_dir="$root/etc/vectis"
    conf_file="$conf_dir/worker.conf"
    secret_file="$conf_dir/worker.secret"
    env_file="$conf_dir/agent.env"
    state_dir="$root/var/lib/vectis"
    jar_dir="$root/opt/vectis"
    jar_file="$jar_dir/vectis.jar"
    unit_dir="$root/etc/systemd/system"
    unit_file="$unit_dir/vectis-agent.service"

    # --- Already registered? Then change nothing. --------------------------------------
    if [[ -f "$conf_file" ]]; then
        local existing_id
        existing_id="$(sed -n 's/^WORKER_ID=//p' "$conf_file" | head -n 1)"
        info "this machine is already registered as worker ${existing_id:-<unknown>} ($conf_file exists); nothing to do"
        info "to register again, delete $conf_file and re-run (the secret in $secret_file is kept)"
        return 0
    fi

    # --- Inputs ------------------------------------------------------------------------
    [[ -n "${VECTIS_URL:-}" ]] || die "VECTIS_URL is not set: the Vectis server's base URL, e.g. VECTIS_URL=https://vectis.example.com"
    [[ -n "${VECTIS_TOKEN:-}" ]] || die "VECTIS_TOKEN is not set: a worker token from the Vectis server's worker_tokens"
    local url="$VECTIS_URL"
    while [[ "$url" == */ ]]; do
        url="${url%/}"
    done
    [[ "$url" =~ ^https?://[^[:space:]]+$ ]] || die "VECTIS_URL must be an http:// or https:// URL, got: $VECTIS_URL"
    no_newline "$VECTIS_TOKEN" || die "VECTIS_TOKEN must be a single line"
    command -v curl >/dev/null 2>&1 || die "curl is required but was not found on PATH"
    # The agent's own user, before anything is registered: a machine that cannot have one stops here.
    if [[ -z "$root" ]]; then
        ensure_user
    fi

    # Temporary files (0600 via umask 077), removed on exit whatever happens.
    TMP_DIR="$(umask 077 && mktemp -d "${TMPDIR:-/tmp}/vectis-install.XXXXXX")" \
        || die "cannot create a temporary directory"
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    local auth_header="$TMP_DIR/auth.header"
    (umask 077 && printf 'Authorization: Bearer %s\n' "$VECTIS_TOKEN" >"$auth_header")

    # --- Secret ------------------------------------------------------------------------
    make_dir "$conf_dir" 700
    local secret
    if [[ -f "$secret_file" ]]; then
        secret="$(tr -d ' \t\r\n' <"$secret_file")"
        [[ "$secret" =~ ^[A-Za-z0-9+/=_.-]{32,}$ ]] \
            || die "$secret_file exists but does not hold a usable secret (32+ characters of [A-Za-z0-9+/=_.-]); fix or delete it"
        info "using the existing worker secret in $secret_file"
    else
        [[ -r /dev/urandom ]] || die "/dev/urandom is not readable; cannot create a worker secret"
        secret="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
        [[ "$secret" =~ ^[0-9a-f]{64}$ ]] || die "could not generate a worker secret from /dev/urandom"
        local secret_tmp
        secret_tmp="$(umask 077 && mktemp "$conf_dir/.worker.secret.XXXXXX")" || die "cannot write in $conf_dir"
        TMP_FILES+=("$secret_tmp")
        (umask 077 && printf '%s\n' "$secret" >"$secret_tmp")
        chmod 600 "$secret_tmp"
        mv -f "$secret_tmp" "$secret_file" || die "cannot write $secret_file"
        info "created a new worker secret in $secret_file (mode 0600)"
    fi

    # --- Public IP ---------------------------------------------------------------------
    local ip
    ip="$(detect_ip)" || exit 1
    info "public IP: $ip"

    # --- Register ----------------------------------------------------------------------
    # Re-running after a failure is safe: the same IP and secret is answered 200 with the
    # identity the server already gave this machine, and nothing new is created.
    local host_name body_file="$TMP_DIR/request.json" response="$TMP_DIR/response.json" status
    host_name="$(detect_hostname)"
    if [[ -n "$host_name" ]]; then
        (umask 077 && printf '{"ip":"%s","secret":"%s","hostname":"%s"}' "$ip" "$secret" "$host_name" >"$body_file")
    else
        (umask 077 && printf '{"ip":"%s","secret":"%s"}' "$ip" "$secret" >"$body_file")
    fi
    info "registering with $url/api/v1/workers"
    status="$(curl -sS --max-time 30 -o "$response" -w '%{http_code}' -X POST \
        -H "@$auth_header" -H 'Content-Type: application/json' \
        --data-binary "@$body_file" "$url/api/v1/workers" </dev/null)" \
        || die "could not reach the Vectis server at $url (see the curl error above); re-run to retry"
    rm -f "$body_file"

    local worker_id subdomain conf_ip
    case "$status" in
        200 | 201)
            worker_id="$(json_string id <"$response")"
            subdomain="$(json_string subdomain <"$response")"
            conf_ip="$(json_string ip <"$response")"
            [[ -n "$worker_id" && -n "$subdomain" ]] \
                || die "the server answered $status without an id and a subdomain: $(snippet <"$response")"
            if [[ "$status" == 201 ]]; then
                info "registered as worker $worker_id ($subdomain)"
            else
                info "this machine was registered before (same IP and secret); reusing worker $worker_id ($subdomain)"
            fi
            ;;
        409)
            die "registration refused (HTTP 409): $(server_message <"$response"); another machine with another secret holds this IP"
            ;;
        000)
            die "no HTTP response from $url/api/v1/workers; re-run to retry"
            ;;
        *)
            die "registration failed (HTTP $status): $(server_message <"$response")"
            ;;
    esac
    conf_ip="${conf_ip:-$ip}"
    # worker.conf is shell-style KEY=VALUE, so refuse anything that is not plainly safe.
    [[ "$worker_id" =~ ^[A-Za-z0-9_.-]+$ ]] || die "the server sent an unexpected worker id: $worker_id"
    [[ "$subdomain" =~ ^[A-Za-z0-9.-]+$ ]] || die "the server sent an unexpected subdomain: $subdomain"
    is_ip "$conf_ip" || die "the server sent an unexpected ip: $conf_ip"

    # --- Agent jar ---------------------------------------------------------------------
    make_dir "$jar_dir" 755
    local jar_tmp
    jar_tmp="$(mktemp "$jar_dir/.vectis.jar.XXXXXX")" || die "cannot write in $jar_dir"
    TMP_FILES+=("$jar_tmp")
    info "downloading the agent from $url/downloads/vectis.jar"
    status="$(curl -sS --max-time 300 -o "$jar_tmp" -w '%{http_code}' \
        -H "@$auth_header" "$url/downloads/vectis.jar" </dev/null)" \
        || die "could not download $url/downloads/vectis.jar (see the curl error above)"
    [[ "$status" == 200 ]] \
        || die "could not download the agent: $url/downloads/vectis.jar answered HTTP $status: $(server_message <"$jar_tmp")"
    [[ "$(head -c 2 "$jar_tmp" | tr -d '\0')" == PK ]] \
        || die "$url/downloads/vectis.jar did not return a jar file"
    chmod 644 "$jar_tmp"
    mv -f "$jar_tmp" "$jar_file" || die "cannot write $jar_file"
    info "installed the agent at $jar_file"

    # --- Agent environment and systemd unit --------------------------------------------
    # No token: this machine is registered now, and worker.conf is all the agent needs.
    local env_tmp
    env_tmp="$(umask 077 && mktemp "$conf_dir/.agent.env.XXXXXX")" || die "cannot write in $conf_dir"
    TMP_FILES+=("$env_tmp")
    {
        printf '# Read by vectis-agent.service (EnvironmentFile). Keep it mode 0600.\n'
        printf 'VECTIS_URL="%s"\n' "$(env_quote "$url")"
    } >"$env_tmp"
    chmod 600 "$env_tmp"
    mv -f "$env_tmp" "$env_file" || die "cannot write $env_file"
    info "wrote $env_file (mode 0600)"

    local java_bin
    java_bin="$(command -v java 2>/dev/null || true)"
    if [[ "$java_bin" != /* ]]; then
        warn "java was not found on PATH; the agent needs Java 17 or newer"
        java_bin="/usr/bin/env java"
    fi
    make_dir "$state_dir" 700
    make_dir "$unit_dir" 755
    local unit_tmp
    unit_tmp="$(mktemp "$unit_dir/.vectis-agent.service.XXXXXX")" || die "cannot write in $unit_dir"
    TMP_FILES+=("$unit_tmp")
    cat >"$unit_tmp" <<EOF
[Unit]
Description=Vectis agent (worker for the Vectis control plane)
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
User=vectis
Group=vectis
EnvironmentFile=/etc/vectis/agent.env
ExecStart=$java_bin -jar /opt/vectis/vectis.jar agent --server \${VECTIS_URL} --config-dir /etc/vectis --state-dir /var/lib/vectis
WorkingDirectory=/var/lib/vectis
StateDirectory=vectis
StateDirectoryMode=0700
Restart=always
RestartSec=5
# SIGTERM to the agent only: it stops taking jobs, tells the server it is leaving, gives running
# jobs --grace-seconds (30) and stops their process trees itself.
KillMode=mixed
TimeoutStopSec=90
# Hardening. Jobs run as vectis too: they may write /var/lib/vectis (their directories are under
# work/) and a private /tmp, nothing else. Give them more with a drop-in
# (systemctl edit vectis-agent), e.g. ReadWritePaths=/srv/builds (docs/install.md).
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths=/var/lib/vectis
ProtectHome=yes
PrivateTmp=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictSUIDSGID=yes
RestrictRealtime=yes
LockPersonality=yes
CapabilityBoundingSet=
UMask=0077

[Install]
WantedBy=multi-user.target
EOF
    chmod 644 "$unit_tmp"
    mv -f "$unit_tmp" "$unit_file" || die "cannot write $unit_file"
    info "wrote $unit_file"

    # --- worker.conf, last: until it exists a re-run retries everything above ------------
    local conf_tmp
    conf_tmp="$(umask 077 && mktemp "$conf_dir/.worker.conf.XXXXXX")" || die "cannot write in $conf_dir"
    TMP_FILES+=("$conf_tmp")
    printf 'WORKER_ID=%s\nSUBDOMAIN=%s\nPUBLIC_IP=%s\nSYNC_STATUS=synced\n' \
        "$worker_id" "$subdomain" "$conf_ip" >"$conf_tmp"
    chmod 600 "$conf_tmp"
    mv -f "$conf_tmp" "$conf_file" || die "cannot write $conf_file"
    info "wrote $conf_file"
    if [[ -z "$root" ]]; then
        # The agent reads its identity and writes its state as vectis; agent.env stays root's (systemd reads it).
        chown vectis:vectis "$conf_dir" "$secret_file" "$conf_file" "$state_dir" \
            || die "cannot give $conf_dir and $state_dir to the user vectis"
    else
        info "under a root other than /, no user is created: create the system user vectis and give it"
        info "  /etc/vectis, its worker.secret and worker.conf, and /var/lib/vectis (see docs/install.md)"
    fi

    # --- Start ---------------------------------------------------------------------------
    if [[ -z "$root" && -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
        info "starting vectis-agent with systemd"
        if systemctl daemon-reload </dev/null && systemctl enable --now vectis-agent </dev/null; then
            info "done: worker $worker_id is registered and vectis-agent is running (systemctl status vectis-agent)"
        else
            die "could not start vectis-agent with systemd; see 'journalctl -u vectis-agent', then run 'systemctl enable --now vectis-agent'"
        fi
    else
        info "done: worker $worker_id is registered; systemd was not used, so start the agent by hand (as vectis):"
        info "  set -a; . $env_file; set +a"
        info "  java -jar $jar_file agent --server \"\$VECTIS_URL\" --config-dir $conf_dir --state-dir $state_dir"
    fi
}

# --- Helpers -------------------------------------------------------------------------------

TMP_DIR=""
TMP_FILES=()

cleanup() {
    local f
    # The ${…+…} form: bash before 4.4 calls an empty array unbound under set -u.
    for f in ${TMP_FILES[@]+"${TMP_FILES[@]}"}; do
        rm -f "$f"
    done
    if [[ -n "$TMP_DIR" ]]; then
        rm -rf "$TMP_DIR"
    fi
}

info() {
    printf 'vectis-install: %s\n' "$*"
}

warn() {
    printf 'vectis-install: warning: %s\n' "$*" >&2
}

die() {
    printf 'vectis-install: error: %s\n' "$*" >&2
    exit 1
}

no_newline() {
    [[ "$1" != *$'\n'* && "$1" != *$'\r'* ]]
}

# The system user the agent runs as, with its state directory as home and no login shell.
ensure_user() {
    if id -u vectis >/dev/null 2>&1; then
        return 0
    fi
    local shell=/bin/false
    if [[ -x /usr/sbin/nologin ]]; then
        shell=/usr/sbin/nologin
    elif [[ -x /sbin/nologin ]]; then
        shell=/sbin/nologin
    fi
    if command -v useradd >/dev/null 2>&1; then
        local group=--user-group
        if command -v getent >/dev/null 2>&1 && getent group vectis >/dev/null 2>&1; then
            group=--gid=vectis
        fi
        useradd --system "$group" --home-dir /var/lib/vectis --no-create-home --shell "$shell" vectis </dev/null \
            || die "could not create the user vectis (useradd failed)"
    elif command -v adduser >/dev/null 2>&1; then
        # BusyBox (Alpine): -S system user, -D no password, -H no home directory created.
        { addgroup -S vectis && adduser -S -D -H -h /var/lib/vectis -s "$shell" -G vectis vectis; } </dev/null \
            || die "could not create the user vectis (addgroup/adduser failed)"
    else
        die "neither useradd nor adduser is available: create a system user named vectis and re-run"
    fi
    info "created the system user vectis"
}

# Creates a directory (and parents) with the given mode if it does not exist yet.
make_dir() {
    if [[ ! -d "$1" ]]; then
        mkdir -p "$1" || die "cannot create $1"
        chmod "$2" "$1" || die "cannot set the mode of $1"
    fi
}

# True for an IPv4 dotted quad or an IPv6 literal (no zone, no brackets).
is_ip() {
    local v="$1" octet
    if [[ "$v" =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]]; then
        for octet in "${BASH_REMATCH[@]:1}"; do
            ((10#$octet <= 255)) || return 1
        done
        return 0
    fi
    [[ "$v" == *:*:* || "$v" == *::* ]] || return 1
    [[ "$v" =~ ^[0-9A-Fa-f:.]{2,45}$ ]] || return 1
    [[ "$v" != *:::* ]] || return 1
    return 0
}

# PUBLIC_IP, else a public-IP echo service, else the default route's source, else hostname -I.
detect_ip() {
    local ip
    if [[ -n "${PUBLIC_IP:-}" ]]; then
        is_ip "$PUBLIC_IP" || die "PUBLIC_IP is not an IPv4 or IPv6 address: $PUBLIC_IP"
        printf '%s\n' "$PUBLIC_IP"
        return 0
    fi
    local detect_url="${VECTIS_IP_DETECT_URL:-https://api.ipify.org}"
    ip="$(curl -fsS --max-time 5 "$detect_url" </dev/null 2>/dev/null | tr -d ' \t\r\n' || true)"
    if is_ip "$ip"; then
        printf '%s\n' "$ip"
        return 0
    fi
    warn "could not get a public IP from $detect_url; trying the local addresses"
    if command -v ip >/dev/null 2>&1; then
        ip="$(ip -o route get 1.1.1.1 </dev/null 2>/dev/null | sed -n 's/.* src \([^ ]*\).*/\1/p' | head -n 1 || true)"
        if is_ip "$ip"; then
            warn "using the default route's address $ip (set PUBLIC_IP if this machine is behind NAT)"
            printf '%s\n' "$ip"
            return 0
        fi
    fi
    if command -v hostname >/dev/null 2>&1; then
        ip="$(hostname -I </dev/null 2>/dev/null | awk '{print $1}' || true)"
        if is_ip "$ip"; then
            warn "using the local address $ip (set PUBLIC_IP if this machine is behind NAT)"
            printf '%s\n' "$ip"
            return 0
        fi
    fi
    die "could not determine this machine's IP address; set PUBLIC_IP and re-run"
}

# This machine's name, as the kernel knows it; empty when it is not a plain host name.
detect_hostname() {
    local name=""
    if [[ -r /proc/sys/kernel/hostname ]]; then
        name="$(tr -d ' \t\r\n' </proc/sys/kernel/hostname)"
    elif command -v uname >/dev/null 2>&1; then
        name="$(uname -n 2>/dev/null | tr -d ' \t\r\n' || true)"
    fi
    if [[ "$name" =~ ^[A-Za-z0-9._-]{1,253}$ ]]; then
        printf '%s\n' "$name"
    fi
}

# Prints the string value of a top-level key in the compact JSON on stdin (empty if absent).
json_string() {
    tr -d '\r\n' | sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\\([^\"]*\\)\".*/\\1/p" | head -n 1
}

# The first 300 printable characters of stdin, on one line.
snippet() {
    tr -d '\r' | tr '\n' ' ' | tr -cd '[:print:]' | head -c 300
}

# The server's "message" (and "error"), or the start of the body if it is not the spec's JSON.
server_message() {
    local body msg err
    body="$(cat)"
    msg="$(printf '%s' "$body" | json_string message)"
    err="$(printf '%s' "$body" | json_string error)"
    if [[ -n "$msg" && -n "$err" ]]; then
        printf '%s: %s' "$err" "$msg"
    elif [[ -n "$msg$err" ]]; then
        printf '%s' "$msg$err"
    elif [[ -n "$body" ]]; then
        printf '%s' "$body" | snippet
    else
        printf '(empty response)'
    fi
}

# Escapes a value for a double-quoted systemd EnvironmentFile (and POSIX shell) value.
env_quote() {
    local v="$1"
    v="${v//\\/\\\\}"
    v="${v//\"/\\\"}"
    v="${v//\$/\\\$}"
    v="${v//\`/\\\`}"
    printf '%s' "$v"
}

main "$@"

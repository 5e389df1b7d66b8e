#!/usr/bin/env bash
# Chooses the java that runs Vectis: prints its path on stdout and says which on stderr.
#
# On Java 21 and newer the server runs request handlers on virtual threads; on 17 they share
# at most 200 platform threads, which long polls and event streams use up. So, in order:
#   1. VECTIS_JAVA (a java binary or a JDK home), as given;
#   2. JAVA_HOME's java, when it is 21 or newer;
#   3. the newest 21+ among the usual install locations;
#   4. JAVA_HOME's java, else the java on PATH, with one warning when it is older than 21.
# Below 17 nothing runs.
#
#   scripts/find-java.sh            the java to run Vectis with
#   scripts/find-java.sh --min 25   only a java that is 25 or newer (1-3 above); exit 3 when none is
#
# VECTIS_JVM_DIRS replaces the usual install locations: colon-separated glob patterns that
# match JDK homes (directories holding bin/java).
#
# Nothing here runs a program other than the java binaries it looks at, and a JDK's version
# is read from its release file when it has one, so looking costs no JVM start.
set -euo pipefail

PREFERRED=21
OLDEST=17
USUAL="/usr/lib/jvm/*:/usr/local/lib/jvm/*:/opt/java/*:/opt/jdk*:${HOME:-/nonexistent}/.sdkman/candidates/java/*"
USUAL="$USUAL:/Library/Java/JavaVirtualMachines/*/Contents/Home"

main() {
    local min=0
    case "$#:${1:-}" in
        0:) ;;
        2:--min) [[ "$2" =~ ^[0-9]+$ ]] || usage; min="$2" ;;
        *) usage ;;
    esac
    local wanted=$((min > PREFERRED ? min : PREFERRED))
    local java version

    if [[ -n "${VECTIS_JAVA:-}" ]]; then
        java="$VECTIS_JAVA"
        [[ -d "$java" ]] && java="$java/bin/java"
        [[ -f "$java" && -x "$java" ]] || die "VECTIS_JAVA=$VECTIS_JAVA is neither a java binary nor a JDK home"
        version="$(version_of "$java")"
        if ((version >= min)); then
            run_with "$java" "$version" "VECTIS_JAVA"
        fi
    fi

    if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
        version="$(version_of "$JAVA_HOME/bin/java")"
        if ((version >= wanted)); then
            run_with "$JAVA_HOME/bin/java" "$version" "JAVA_HOME"
        fi
    fi

    local best="" best_version=0 pattern home patterns
    IFS=: read -r -a patterns <<<"${VECTIS_JVM_DIRS-$USUAL}"
    for pattern in ${patterns[@]+"${patterns[@]}"}; do
        [[ -n "$pattern" ]] || continue
        while IFS= read -r home; do
            [[ -x "$home/bin/java" && ! -d "$home/bin/java" ]] || continue
            version="$(version_of "$home/bin/java")"
            if ((version >= wanted && version > best_version)); then
                best="$home/bin/java"
                best_version="$version"
            fi
        done < <(compgen -G "$pattern" || true)
    done
    if [[ -n "$best" ]]; then
        run_with "$best" "$best_version" "the newest installed Java $PREFERRED+"
    fi

    if ((min > 0)); then
        local looked="${VECTIS_JVM_DIRS-$USUAL}"
        say "no Java $min or newer in VECTIS_JAVA, JAVA_HOME or ${looked:-(no install locations)}"
        exit 3
    fi

    local why
    if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
        java="$JAVA_HOME/bin/java"
        why="JAVA_HOME"
    elif java="$(command -v java)"; then
        why="PATH"
    else
        die "no java found: install Java $PREFERRED or newer (17 works too), or set JAVA_HOME or VECTIS_JAVA"
    fi
    version="$(version_of "$java")"
    if ((version > 0 && version < OLDEST)); then
        die "$java is Java $version; Vectis needs Java $OLDEST or newer ($PREFERRED+ preferred)"
    fi
    run_with "$java" "$version" "$why"
}

# Prints the choice and stops; warns when the server will run without virtual threads.
run_with() {
    local java="$1" version="$2" why="$3"
    printf '%s\n' "$java"
    if ((version == 0)); then
        say "using $java ($why); its version could not be read"
    else
        say "using Java $version at $java ($why)"
    fi
    if ((version < PREFERRED)); then
        local which="Java $version"
        ((version > 0)) || which="this Java"
        say "warning: on $which request handlers share at most 200 platform threads," \
            "which long polls and event streams can use up; Java $PREFERRED+ runs them on virtual threads" \
            "(install one, or point JAVA_HOME or VECTIS_JAVA at one)"
    fi
    exit 0
}

# The feature release (17, 21, 25…) of a java binary, 0 when it cannot be told.
version_of() {
    local java="$1" home="${1%/bin/java}" line
    local in_release='^JAVA_VERSION="([^"]+)"' in_output='version "([^"]+)"'
    if [[ "$home" != "$java" && -f "$home/release" ]]; then
        while IFS= read -r line || [[ -n "$line" ]]; do
            if [[ "$line" =~ $in_release ]]; then
                feature "${BASH_REMATCH[1]}"
                return
            fi
        done <"$home/release"
    fi
    while IFS= read -r line; do
        if [[ "$line" =~ $in_output ]]; then
            feature "${BASH_REMATCH[1]}"
            return
        fi
    done < <("$java" -version 2>&1 </dev/null || true)
    echo 0
}

# 21.0.2 → 21, 25 → 25, 26-ea → 26, 1.8.0_392 → 8.
feature() {
    local old='^1\.([0-9]+)' new='^([0-9]+)'
    if [[ "$1" =~ $old ]]; then
        echo "${BASH_REMATCH[1]}"
    elif [[ "$1" =~ $new ]]; then
        echo "$((10#${BASH_REMATCH[1]}))"
    else
        echo 0
    fi
}

say() {
    printf 'vectis: %s\n' "$*" >&2
}

die() {
    say "error: $*"
    exit 1
}

usage() {
    say "usage: find-java.sh [--min VERSION]"
    exit 2
}

main "$@"

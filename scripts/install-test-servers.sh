#!/usr/bin/env bash
# Install the triple-store servers the test suite starts by itself (tests/servers.py).
#
#   * Virtuoso Open Source 7 (Debian package `virtuoso-opensource`): provides
#     /usr/bin/virtuoso-t and /usr/bin/isql-vt. The tests run it in the foreground on their
#     own database directory and free ports; the system service is NOT used, so it is
#     kept stopped and disabled here.
#   * The Oxigraph server is a Python test extra (`oxigraph` in pyproject's [test]); it is
#     installed by pip, not here.
#   * nginx (Debian package `nginx`): /usr/sbin/nginx serves the static linked-data export in
#     tests/test_static_export.py, in the foreground with its own nginx.conf on a free port.
#     The system service is NOT used: it is stopped and disabled here too.
#   * Chromium (Debian packages `chromium` and `chromium-driver`): /usr/bin/chromium runs the
#     browser tests (tests/test_browser.py) headless, driven by Playwright for Python (a test
#     extra). Playwright never downloads a browser of its own: it launches this one.
#
# Idempotent, non-interactive, for Debian bookworm as root (or with sudo). Safe to run
# again: it installs only what is missing and re-checks that no system Virtuoso or nginx runs.
set -euo pipefail

PKG=virtuoso-opensource
SERVICE=virtuoso-opensource-7
export DEBIAN_FRONTEND=noninteractive

log() { printf '[install-test-servers] %s\n' "$*"; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo -n env DEBIAN_FRONTEND=noninteractive)
    else
        log "error: must run as root (or with sudo) to install $PKG" >&2
        exit 1
    fi
fi
as_root() { "${SUDO[@]}" "$@"; }

if ! command -v apt-get >/dev/null 2>&1; then
    log "error: apt-get not found; this script supports Debian/Ubuntu only" >&2
    exit 1
fi

is_installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

# Disable and stop the packaged system service: the tests start their own instances and
# must neither depend on nor collide with (ports 1111/8890, 80) a system one.
disable_service() {
    local SERVICE="${1:-$SERVICE}"
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
        log "disabling and stopping the $SERVICE systemd unit (if any)"
        as_root systemctl disable --now "$SERVICE" >/dev/null 2>&1 || true
    fi
    if [ -x "/etc/init.d/$SERVICE" ]; then
        if command -v update-rc.d >/dev/null 2>&1; then
            log "disabling the $SERVICE init script"
            as_root update-rc.d "$SERVICE" disable >/dev/null 2>&1 || true
        fi
        # The init script's `stop` only acts on the instance it started (its pid file).
        if [ -f "/var/run/$SERVICE.pid" ] || [ -f "/run/$SERVICE.pid" ]; then
            log "stopping the running system $SERVICE service"
            as_root "/etc/init.d/$SERVICE" stop || true
        fi
    fi
}

if is_installed "$PKG" && command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1; then
    log "$PKG is already installed"
else
    # Package index: refresh only when apt does not know the package yet (fresh machine).
    candidate="$(apt-cache policy "$PKG" 2>/dev/null | awk '/Candidate:/ {print $2}' || true)"
    if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
        log "apt has no candidate for $PKG: running apt-get update"
        as_root apt-get update -q
    else
        log "apt candidate for $PKG: $candidate (no apt-get update needed)"
    fi

    # The package asks for a DBA password through debconf; preseed an empty one (so the
    # packaged instance stays disabled). Our test databases are fresh and use dba/dba.
    if command -v debconf-set-selections >/dev/null 2>&1; then
        log "preseeding debconf: empty dba password for the (unused) system instance"
        printf '%s\n' \
            "virtuoso-opensource-7 virtuoso-opensource-7/dba-password password " \
            "virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password " \
            | as_root debconf-set-selections
    fi

    # The postinst starts the system service (to set the password). Forbid service starts
    # during the install with a temporary policy-rc.d, unless one already exists (as in
    # Docker images, which ship one that does exactly this).
    temp_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        temp_policy=/usr/sbin/policy-rc.d
        log "installing a temporary $temp_policy so the package does not start its service"
        printf '#!/bin/sh\n# temporary, from install-test-servers.sh\nexit 101\n' | as_root tee "$temp_policy" >/dev/null
        as_root chmod 755 "$temp_policy"
        trap 'as_root rm -f "$temp_policy"' EXIT
    fi

    log "apt-get install -y --no-install-recommends $PKG"
    as_root apt-get install -y -q --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$PKG"

    if [ -n "$temp_policy" ]; then
        as_root rm -f "$temp_policy"
        trap - EXIT
        log "removed the temporary $temp_policy"
    fi
fi

disable_service "$SERVICE"

# --- nginx: begin (static-export tests) ----------------------------------------------------
NGINX_PKG=nginx
if is_installed "$NGINX_PKG" && [ -x /usr/sbin/nginx ]; then
    log "$NGINX_PKG is already installed"
else
    candidate="$(apt-cache policy "$NGINX_PKG" 2>/dev/null | awk '/Candidate:/ {print $2}' || true)"
    if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
        log "apt has no candidate for $NGINX_PKG: running apt-get update"
        as_root apt-get update -q
    fi
    # The postinst starts the system nginx on port 80: forbid service starts during the install.
    nginx_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        nginx_policy=/usr/sbin/policy-rc.d
        printf '#!/bin/sh\n# temporary, from install-test-servers.sh\nexit 101\n' | as_root tee "$nginx_policy" >/dev/null
        as_root chmod 755 "$nginx_policy"
        trap 'as_root rm -f "$nginx_policy"' EXIT
    fi
    log "apt-get install -y --no-install-recommends $NGINX_PKG"
    as_root apt-get install -y -q --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$NGINX_PKG"
    if [ -n "$nginx_policy" ]; then
        as_root rm -f "$nginx_policy"
        trap - EXIT
    fi
fi
disable_service nginx
if [ ! -x /usr/sbin/nginx ]; then
    log "error: /usr/sbin/nginx not found after installing $NGINX_PKG" >&2
    exit 1
fi
log "ok: /usr/sbin/nginx ($(/usr/sbin/nginx -v 2>&1 | sed 's/^nginx version: //'))"
# --- nginx: end ----------------------------------------------------------------------------

# --- chromium: begin (browser tests) -------------------------------------------------------
CHROMIUM_PKGS=(chromium chromium-driver)
chromium_missing=()
for pkg in "${CHROMIUM_PKGS[@]}"; do
    is_installed "$pkg" || chromium_missing+=("$pkg")
done
if [ ${#chromium_missing[@]} -eq 0 ] && [ -x /usr/bin/chromium ]; then
    log "chromium and chromium-driver are already installed"
else
    [ ${#chromium_missing[@]} -eq 0 ] && chromium_missing=("${CHROMIUM_PKGS[@]}")
    candidate="$(apt-cache policy chromium 2>/dev/null | awk '/Candidate:/ {print $2}' || true)"
    if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
        log "apt has no candidate for chromium: running apt-get update"
        as_root apt-get update -q
    fi
    log "apt-get install -y ${chromium_missing[*]}"
    as_root apt-get install -y -q \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${chromium_missing[@]}"
fi
if [ ! -x /usr/bin/chromium ]; then
    log "error: /usr/bin/chromium not found after installing chromium" >&2
    exit 1
fi
log "ok: /usr/bin/chromium ($(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown'))"
# --- chromium: end -------------------------------------------------------------------------

# --- wrk: begin (load generator of tests/test_reliability_short.py and `make reliability`) --
if is_installed wrk && command -v wrk >/dev/null 2>&1; then
    log "wrk is already installed"
else
    candidate="$(apt-cache policy wrk 2>/dev/null | awk '/Candidate:/ {print $2}' || true)"
    if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
        log "apt has no candidate for wrk: running apt-get update"
        as_root apt-get update -q
    fi
    log "apt-get install -y --no-install-recommends wrk"
    as_root apt-get install -y -q --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold wrk
fi
if ! command -v wrk >/dev/null 2>&1; then
    log "error: wrk not found after installing it" >&2
    exit 1
fi
log "ok: $(command -v wrk) ($(wrk --version 2>&1 | head -n 1 | cut -c1-60))"
# --- wrk: end --------------------------------------------------------------------------------

for tool in virtuoso-t isql-vt; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        log "error: $tool not found after installing $PKG" >&2
        exit 1
    fi
done
version="$(dpkg-query -W -f='${Version}' virtuoso-opensource-7-bin 2>/dev/null || echo unknown)"
log "ok: $(command -v virtuoso-t) and $(command -v isql-vt) (virtuoso-opensource-7-bin $version)"
log "the Oxigraph server comes from the Python test extra (pip install -e '.[test]')"

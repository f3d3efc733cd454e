#!/usr/bin/env bash
# install-e2e-deps.sh - what the packaging, end-to-end and Neovim tests need, installed when missing.
#
#   Debian packages: chromium (headless browser that drives the workbench), ripgrep (code-server's search),
#                    build-essential python3 pkg-config libkrb5-dev (code-server's native modules compile from
#                    source), neovim (the LSP client of test/neovim), unzip (lists the .vsix)
#   code-server:     CODE_SERVER_VERSION (default 4.100.3, VS Code 1.100, the newest that runs on Node 20)
#                    from the npm registry, into E2E_CACHE (default ~/.cache/pgbouncer-config-e2e), outside
#                    the repository; the tests look for it there.
#
# When all is present this takes a few milliseconds. When something is missing:
#   - Debian packages: as root on Debian, apt-get installs them; anywhere else the script prints the
#     apt-get command to run and exits 1;
#   - code-server: npm installs it (about 1.5 min and 300 MB, once; no root needed).
# Afterwards everything is checked again; still missing -> exit 1.
#
# Two steps of code-server's install reach outside the npm registry and are worked around here:
#   - @vscode/ripgrep's postinstall downloads rg from GitHub: its download cache is seeded with Debian's rg;
#   - node-pty's postinstall runs `npx node-gyp`, which without a TTY asks first: npm_config_yes=true.
set -euo pipefail

CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.100.3}
E2E_CACHE=${E2E_CACHE:-$HOME/.cache/pgbouncer-config-e2e}
CS_DIR="$E2E_CACHE/code-server-$CODE_SERVER_VERSION"
CS_BIN="$CS_DIR/node_modules/.bin/code-server"
CS_MARK="$CS_DIR/.installed"
# code-server 4.100.3 pins @vscode/ripgrep 1.15.11, whose release asset tag is v13.0.0-10.
RIPGREP_PKG_VERSION=1.15.11
RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

APT_PACKAGES=(chromium ripgrep build-essential python3 pkg-config libkrb5-dev neovim unzip)

missing_debian() {
    command -v chromium >/dev/null 2>&1 || echo "chromium (/usr/bin/chromium)"
    command -v rg >/dev/null 2>&1 || echo "ripgrep (rg)"
    command -v nvim >/dev/null 2>&1 || echo "neovim (nvim)"
    command -v unzip >/dev/null 2>&1 || echo "unzip"
    command -v make >/dev/null 2>&1 && command -v g++ >/dev/null 2>&1 || echo "build-essential (make, g++)"
    command -v python3 >/dev/null 2>&1 || echo "python3"
    command -v pkg-config >/dev/null 2>&1 || echo "pkg-config"
    [ -e /usr/include/gssapi.h ] || echo "libkrb5-dev (/usr/include/gssapi.h)"
}

code_server_ok() {
    [ -f "$CS_MARK" ] && [ -x "$CS_BIN" ]
}

can_install() {
    [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ -f /etc/debian_version ]
}

report_ok() {
    echo "e2e deps ok: code-server $CODE_SERVER_VERSION ($CS_BIN), $(chromium --version 2>/dev/null | head -n 1)," \
        "$(nvim --version 2>/dev/null | head -n 1)"
}

install_code_server() {
    local start tmp cache log
    start=$(date +%s)
    log="$E2E_CACHE/install-code-server.log"
    mkdir -p "$CS_DIR"
    rm -f "$CS_MARK"
    echo "installing code-server $CODE_SERVER_VERSION from npm into $CS_DIR (log: $log) ..."
    (
        cd "$CS_DIR" || exit 1
        [ -f package.json ] || echo '{"private":true}' >package.json
        tmp="$CS_DIR/.tmp"
        rm -rf "$tmp"
        mkdir -p "$tmp"
        # @vscode/ripgrep looks in os.tmpdir()/vscode-ripgrep-cache-<version>/<asset> before downloading.
        cache="$tmp/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION"
        mkdir -p "$cache"
        tar -czf "$cache/$RIPGREP_ASSET" -C "$(dirname "$(command -v rg)")" rg || exit 1
        # argon2 and kerberos cannot download their prebuilt binaries and compile from source instead.
        # (errexit does not apply in a subshell on the left of ||: every step says how it failed)
        TMPDIR="$tmp" npm_config_yes=true npm install "code-server@$CODE_SERVER_VERSION" \
            --unsafe-perm --no-audit --no-fund --foreground-scripts || exit 1
        rm -rf "$tmp"
    ) >"$log" 2>&1 || {
        echo "installing code-server failed; last lines of $log:" >&2
        tail -n 40 "$log" >&2
        exit 1
    }
    "$CS_BIN" --version >>"$log" 2>&1 || {
        echo "code-server was installed but does not run; last lines of $log:" >&2
        tail -n 20 "$log" >&2
        exit 1
    }
    date -u +%FT%TZ >"$CS_MARK"
    echo "code-server installed in $(($(date +%s) - start)) s"
}

deb_todo=$(missing_debian)
cs_todo=""
code_server_ok || cs_todo="code-server $CODE_SERVER_VERSION ($CS_BIN)"
if [ -z "$deb_todo" ] && [ -z "$cs_todo" ]; then
    report_ok
    exit 0
fi

echo "missing for the packaging, end-to-end and Neovim tests:"
{
    [ -z "$deb_todo" ] || printf '%s\n' "$deb_todo"
    [ -z "$cs_todo" ] || printf '%s\n' "$cs_todo"
} | sed 's/^/  - /'

if [ -n "$deb_todo" ] && ! can_install; then
    # code-server installs without root (into E2E_CACHE), the Debian packages do not.
    echo "Install them, then run the tests again:" >&2
    echo "  sudo apt-get install -y ${APT_PACKAGES[*]}" >&2
    echo "  bash scripts/install-e2e-deps.sh   # then installs code-server into E2E_CACHE ($E2E_CACHE)" >&2
    exit 1
fi

if [ -n "$deb_todo" ]; then
    log=$(mktemp /tmp/install-e2e-deps.XXXXXX.log)
    echo "installing ${APT_PACKAGES[*]} with apt-get (log: $log) ..."
    start=$(date +%s)
    if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "${APT_PACKAGES[@]}"; } >"$log" 2>&1; then
        echo "apt-get failed; last lines of $log:" >&2
        tail -n 40 "$log" >&2
        exit 1
    fi
    echo "installed in $(($(date +%s) - start)) s"
fi

code_server_ok || install_code_server

deb_todo=$(missing_debian)
if [ -n "$deb_todo" ] || ! code_server_ok; then
    echo "still missing after the install:" >&2
    {
        [ -z "$deb_todo" ] || printf '%s\n' "$deb_todo"
        code_server_ok || echo "code-server $CODE_SERVER_VERSION ($CS_BIN)"
    } | sed 's/^/  - /' >&2
    exit 1
fi
report_ok

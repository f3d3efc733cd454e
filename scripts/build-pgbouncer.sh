#!/usr/bin/env bash
# build-pgbouncer.sh - build one PgBouncer release from bare git mirrors, for `npm run test:releases`.
#
#   bash scripts/build-pgbouncer.sh [--rebuild] [--no-install] VERSION
#
# VERSION: 1.25.2, pgbouncer_1_25_2, or 1.25 (the newest 1.25.x tag of the mirror).
#
# The mirrors are bare clones (git clone --mirror) of
#   PGBOUNCER_MIRROR  github:pgbouncer/pgbouncer   default $MIRROR_ROOT/pgbouncer+pgbouncer/repo
#   LIBUSUAL_MIRROR   github:libusual/libusual     default $MIRROR_ROOT/libusual+libusual/repo
#   UTHASH_MIRROR     github:troydhanson/uthash    default $MIRROR_ROOT/troydhanson+uthash/repo
# Releases before 1.25 take libusual (lib/) and uthash (uthash/) as git submodules; the tag names the
# commit of each, which must be in its mirror. 1.25 and later carry both in their own tree.
#
# The build goes to $PGBOUNCER_BUILDS/<version>/ (default ~/.cache/pgbouncer-config/builds):
# src/ (the exported sources), build.log, and the installed prefix (bin/pgbouncer). A build whose
# binary reports the right version and whose stamp names the same tag commit and configure flags is
# reused, so the script is cheap to run again; --rebuild forces a new build.
#
# configure flags follow Debian's package: --with-cares --with-pam --with-systemd, plus --with-ldap
# where the release's configure.ac offers it (1.25+). They matter to the verdicts: auth_type = pam
# exists only in a PAM build, auth_type = ldap only in an LDAP build. PGBOUNCER_CONFIGURE replaces
# them (a change rebuilds).
#
# Build tools and libraries are Debian packages; as root missing ones are installed with apt-get
# (--no-install: only say which are missing). Man pages need pandoc, which is not required: stub
# pages are written in its place.
#
# The last line on stdout is the path of the binary; everything else goes to stderr.
set -euo pipefail

rebuild=0
install=1
while [ $# -gt 0 ]; do
    case "$1" in
        --rebuild) rebuild=1 ;;
        --no-install) install=0 ;;
        -h | --help)
            sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
            exit 0
            ;;
        -*)
            echo "build-pgbouncer: unknown option $1" >&2
            exit 2
            ;;
        *) break ;;
    esac
    shift
done
if [ $# -ne 1 ]; then
    echo "usage: bash scripts/build-pgbouncer.sh [--rebuild] [--no-install] VERSION" >&2
    exit 2
fi

log() { printf 'build-pgbouncer: %s\n' "$*" >&2; }
fail() {
    log "$*"
    exit 1
}

root=${MIRROR_ROOT:-}
PGBOUNCER_MIRROR=${PGBOUNCER_MIRROR:-${root:+$root/pgbouncer+pgbouncer/repo}}
LIBUSUAL_MIRROR=${LIBUSUAL_MIRROR:-${root:+$root/libusual+libusual/repo}}
UTHASH_MIRROR=${UTHASH_MIRROR:-${root:+$root/troydhanson+uthash/repo}}
[ -n "$PGBOUNCER_MIRROR" ] || fail "set MIRROR_ROOT, or PGBOUNCER_MIRROR (and LIBUSUAL_MIRROR, UTHASH_MIRROR before 1.25)"
git --git-dir="$PGBOUNCER_MIRROR" rev-parse --git-dir >/dev/null 2>&1 \
    || fail "not a git repository: PGBOUNCER_MIRROR=$PGBOUNCER_MIRROR"
pgb() { git --git-dir="$PGBOUNCER_MIRROR" "$@"; }

# --- which tag
want=${1#pgbouncer_}
want=${want//_/.}
if [[ $want =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    tag=pgbouncer_${want//./_}
elif [[ $want =~ ^[0-9]+\.[0-9]+$ ]]; then
    tag=$(pgb tag --list "pgbouncer_${want//./_}_*" | grep -E '^pgbouncer_[0-9]+_[0-9]+_[0-9]+$' | sort -V | tail -n 1 || true)
    [ -n "$tag" ] || fail "no release tag pgbouncer_${want//./_}_* in $PGBOUNCER_MIRROR"
else
    fail "not a version: $1 (e.g. 1.25.2, 1.25 or pgbouncer_1_25_2)"
fi
commit=$(pgb rev-parse --verify --quiet "refs/tags/$tag^{commit}") || fail "no tag $tag in $PGBOUNCER_MIRROR"
version=${tag#pgbouncer_}
version=${version//_/.}

if [ -n "${PGBOUNCER_CONFIGURE+set}" ]; then
    flags=$PGBOUNCER_CONFIGURE
else
    flags='--with-cares --with-pam --with-systemd'
    if pgb show "$tag:configure.ac" | grep -q 'AC_ARG_WITH(ldap'; then flags="$flags --with-ldap"; fi
fi

home=${PGBOUNCER_BUILDS:-$HOME/.cache/pgbouncer-config/builds}/$version
binary=$home/bin/pgbouncer
stamp="$commit $flags"
log "PgBouncer $version: tag $tag, commit ${commit:0:12}, configure $flags"

reports_version() { [ -x "$binary" ] && [ "$("$binary" --version 2>/dev/null | head -n 1)" = "PgBouncer $version" ]; }

if [ $rebuild = 0 ] && reports_version && [ "$(cat "$home/.stamp" 2>/dev/null)" = "$stamp" ]; then
    log "up to date: $binary"
    echo "$binary"
    exit 0
fi

# --- build tools and libraries (Debian package names)
packages=(build-essential autoconf automake libtool pkg-config python3 libevent-dev libssl-dev libc-ares-dev
    libpam0g-dev libsystemd-dev)
case " $flags " in *' --with-ldap '*) packages+=(libldap-dev) ;; esac
absent=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || absent+=("$p")
done
if [ ${#absent[@]} -gt 0 ]; then
    if [ $install = 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing ${absent[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q "${absent[@]}" >&2 || { apt-get update -q >&2 && apt-get install -y -q "${absent[@]}" >&2; } \
            || fail "apt-get install ${absent[*]} failed"
    else
        fail "missing build packages; install them with: sudo apt-get install -y ${absent[*]}"
    fi
fi

# --- sources: the tag, and the submodule commits it records
src=$home/src
rm -rf "$home"
mkdir -p "$src"
pgb archive --format=tar "$commit" | tar -xf - -C "$src"
while read -r mode type object path; do
    [ "$mode $type" = '160000 commit' ] || continue
    case "$path" in
        lib) mirror=$LIBUSUAL_MIRROR ;;
        uthash) mirror=$UTHASH_MIRROR ;;
        *) fail "$tag has a submodule this script does not know: $path" ;;
    esac
    [ -n "$mirror" ] || fail "$tag needs the $path submodule: set MIRROR_ROOT or the mirror variable for it"
    git --git-dir="$mirror" cat-file -e "$object^{commit}" 2>/dev/null \
        || fail "$tag records $path at $object, which $mirror does not have (fetch the mirror again)"
    log "$path at ${object:0:12}"
    mkdir -p "$src/$path"
    git --git-dir="$mirror" archive --format=tar "$object" | tar -xf - -C "$src/$path"
done < <(pgb ls-tree "$commit")

# No pandoc: a one-line page for each man page make install wants.
for section in 1 5; do
    page=$src/doc/pgbouncer.$section
    [ -e "$page" ] || printf '.TH PGBOUNCER %s\n.SH DESCRIPTION\nSee doc/ in the PgBouncer sources.\n' "$section" >"$page"
done

buildlog=$home/build.log
log "building (log: $buildlog)"
started=$SECONDS
(
    cd "$src"
    ./autogen.sh
    # shellcheck disable=SC2086 # the flags are words
    ./configure --prefix="$home" $flags
    make -j"$(nproc 2>/dev/null || echo 2)"
    make install
) >"$buildlog" 2>&1 || {
    tail -n 25 "$buildlog" >&2
    fail "build failed; the whole log is $buildlog"
}
reports_version || fail "$binary does not report PgBouncer $version"
echo "$stamp" >"$home/.stamp"
log "built in $((SECONDS - started)) s"
"$binary" --version | sed 's/^/  /' >&2
echo "$binary"

#!/usr/bin/env bash
# Innsyn's two commands for a fresh machine (see README):
#   ./dev.sh demo   install, start OpenSearch + Tika, load the demo data, serve the web UI
#   ./dev.sh test   install, then lint, type-check and run the three test tiers against real services
#   ./dev.sh test unit   the same, but only the fast tier that needs no services (seconds)
#   ./dev.sh bench  install, start the services, run the benchmarks (bench/run_all.py)
# Both install what they need: Debian packages (when run as root), the Python packages
# into .venv, and OpenSearch/Tika from Maven Central (cached under ~/.cache/innsyn).
set -euo pipefail
cd "$(dirname "$0")"

PY=${PYTHON:-python3}
VENV=.venv

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'Error: %s\n' "$*" >&2; exit 1; }

need_debian_packages() {
    local missing=()
    command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
    command -v mvn >/dev/null 2>&1 || missing+=(maven)
    command -v "$PY" >/dev/null 2>&1 || missing+=(python3)
    "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
    # Scanned documents are read page by page: poppler renders, tesseract reads
    # (Norwegian and English, with orientation detection); setpriv is in util-linux.
    command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
    command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
    for lang in nor eng osd; do
        [ -n "$(ls /usr/share/tesseract-ocr/*/tessdata/$lang.traineddata 2>/dev/null)" ] \
            || missing+=("tesseract-ocr-$lang")
    done
    command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
    if [ "${1:-}" = test ]; then
        ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
        command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
        command -v fc-list >/dev/null 2>&1 && fc-list | grep -q DejaVuSerif.ttf \
            || missing+=(fonts-dejavu-core)
        [ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
    fi
    if [ ${#missing[@]} -gt 0 ]; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            say "Installing Debian packages: ${missing[*]}"
            DEBIAN_FRONTEND=noninteractive apt-get update -q
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
        else
            die "missing: ${missing[*]} (install them, e.g. sudo apt-get install ${missing[*]})"
        fi
    fi
    "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
        || die "Python 3.11 or newer is needed ($PY is $("$PY" --version 2>&1))"
}

install_python() {
    if [ ! -x "$VENV/bin/python" ]; then
        say "Creating $VENV"
        "$PY" -m venv "$VENV"
    fi
    say "Installing Innsyn and its Python dependencies into $VENV"
    "$VENV/bin/pip" install -q --upgrade pip >/dev/null 2>&1 || true
    "$VENV/bin/pip" install -q -e '.[dev,postgres,redis]'
}

cmd_demo() {
    need_debian_packages
    install_python
    "$VENV/bin/innsyn" services up
    "$VENV/bin/innsyn" db upgrade
    "$VENV/bin/innsyn" demo load
    local data="${INNSYN_DATA_DIR:-data}" bind="${INNSYN_WEB_BIND:-127.0.0.1:8000}"
    if [ ! -f "$data/demo-admin.txt" ]; then
        local pw
        pw="$("$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(12))')"
        INNSYN_USER_PASSWORD="$pw" "$VENV/bin/innsyn" users add admin --site-admin
        (umask 077; printf 'user: admin\npassword: %s\n' "$pw" > "$data/demo-admin.txt")
    fi
    say "Admin UI: http://$bind/admin/ (credentials in $data/demo-admin.txt)"
    # Plain HTTP on loopback for the demo only; production serves HTTPS with Secure cookies.
    export INNSYN_SESSION_COOKIE_SECURE="${INNSYN_SESSION_COOKIE_SECURE:-false}"
    # The demo may harvest from servers on this machine (e.g. http://127.0.0.1:8080/);
    # production keeps the default (false) so job URLs cannot reach internal addresses.
    export INNSYN_HTTP_ALLOW_PRIVATE_ADDRESSES="${INNSYN_HTTP_ALLOW_PRIVATE_ADDRESSES:-true}"
    say "Starting the job scheduler in the background (log: $data/scheduler.log)"
    "$VENV/bin/innsyn" scheduler >>"$data/scheduler.log" 2>&1 &
    SCHED_PID=$!
    trap 'kill -TERM $SCHED_PID 2>/dev/null; wait $SCHED_PID 2>/dev/null' EXIT
    say "Serving the web UI on http://$bind (Ctrl-C stops the web server and the scheduler; 'innsyn services down' stops OpenSearch and Tika)"
    "$VENV/bin/gunicorn" --bind "$bind" --workers "${INNSYN_WEB_WORKERS:-2}" \
        --access-logfile - 'web.wsgi:app'
}

cmd_test() {
    need_debian_packages test
    install_python
    say "ruff (lint + format check)"
    "$VENV/bin/ruff" check innsyn web harvesters tests bench
    "$VENV/bin/ruff" format --check innsyn web harvesters tests bench
    say "mypy"
    "$VENV/bin/mypy"
    local tiers=()
    while [ $# -gt 0 ]; do
        case "$1" in
            unit|integration|system) tiers+=("tests/$1"); shift ;;
            *) break ;;
        esac
    done
    [ ${#tiers[@]} -gt 0 ] || tiers=(tests/unit tests/integration tests/system)
    say "pytest ${tiers[*]} (integration and system start their own OpenSearch and Tika on 127.0.0.1 and stop them afterwards)"
    "$VENV/bin/pytest" -q -p no:cacheprovider "${tiers[@]}" "$@"
}

cmd_bench() {
    need_debian_packages
    install_python
    "$VENV/bin/innsyn" services up
    say "Benchmarks (ingest, extract, ocr, search) against the running services; results in bench-results/"
    "$VENV/bin/python" -m bench.run_all "$@"
}

case "${1:-}" in
    demo) shift; cmd_demo "$@" ;;
    test) shift; cmd_test "$@" ;;
    bench) shift; cmd_bench "$@" ;;
    *) echo "usage: ./dev.sh demo | test [unit|integration|system ...] [pytest args] | bench [--entries N ...]" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Installs what keyledger needs and is missing. Idempotent and quiet when all is present.
#   scripts/ensure-deps.sh            Node.js 22, npm dependencies and SoftHSM2 (what `npm start` needs)
#   scripts/ensure-deps.sh --dynamodb also a JRE and DynamoDB Local (what start:dynamodb needs)
#   scripts/ensure-deps.sh --test     all of the above and Chromium for the browser tests (what `npm test` needs)
# Where it cannot install, it stops with one message naming the package to install.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node.sh 22

want_dynamodb=0
want_browser=0
case "${1:-}" in
  --dynamodb) want_dynamodb=1 ;;
  --test) want_dynamodb=1; want_browser=1 ;;
esac

CACHE_DIR="${KEYLEDGER_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/keyledger}"
DDB_VERSION="2.9.30"   # amplify-dynamodb-simulator, which ships DynamoDB Local in its tarball
DDB_DIR="$CACHE_DIR/dynamodb-local-$DDB_VERSION"

fail() { echo "keyledger: cannot install $1 automatically. Install it ($2) and run the command again." >&2; exit 1; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi
}

apt_install() {
  command -v apt-get >/dev/null || return 1
  local stamp=/var/lib/apt/periodic/keyledger-update-stamp
  if [[ ! -d /var/lib/apt/lists/partial ]] || [[ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e partial -e lock)" ]] || [[ ! -f $stamp ]]; then
    as_root apt-get update -qq >/dev/null || return 1
    as_root mkdir -p "$(dirname $stamp)" && as_root touch "$stamp" || true
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1
}

softhsm_module() {
  for p in "${KEYLEDGER_PKCS11_MODULE:-}" /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so \
           /usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so /usr/local/lib/softhsm/libsofthsm2.so \
           /opt/homebrew/lib/softhsm/libsofthsm2.so; do
    [[ -n "$p" && -f "$p" ]] && { echo "$p"; return 0; }
  done
  return 1
}

# 1. npm dependencies: npm ci when the lock changed since the last install; the native addons rebuilt
#    whenever they do not load on this Node.js (built by another ABI, or against another version's headers)
addons_load() { node -e "new (require('better-sqlite3'))(':memory:').close(); require('pkcs11js')" >/dev/null 2>&1; }
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null || { echo "keyledger: npm ci failed" >&2; exit 1; }
fi
if ! addons_load; then
  npm rebuild better-sqlite3 pkcs11js --no-audit --no-fund --loglevel=error >/dev/null ||
    { echo "keyledger: npm rebuild of better-sqlite3 and pkcs11js failed" >&2; exit 1; }
  addons_load || { echo "keyledger: better-sqlite3 or pkcs11js does not load on Node.js $(node -v) after a rebuild" >&2; exit 1; }
fi

# 2. SoftHSM2
if ! softhsm_module >/dev/null; then
  if [[ "$(uname)" == "Darwin" ]] && command -v brew >/dev/null; then
    brew install softhsm >/dev/null || fail softhsm2 "brew install softhsm"
  else
    apt_install softhsm2 || fail softhsm2 "apt-get install softhsm2"
  fi
  softhsm_module >/dev/null || fail softhsm2 "apt-get install softhsm2"
fi

# 3. Chromium for the console's browser tests: Debian's package, driven by playwright-core
#    (test/support/browser.ts); a browser download of Playwright's own is not reachable everywhere.
if [[ $want_browser -eq 1 && ! -x /usr/bin/chromium ]]; then
  apt_install chromium || fail chromium "apt-get install chromium"
fi

[[ $want_dynamodb -eq 1 ]] || exit 0

# 4. A JRE for DynamoDB Local
if ! command -v java >/dev/null; then
  if [[ "$(uname)" == "Darwin" ]] && command -v brew >/dev/null; then
    brew install openjdk >/dev/null || fail "a Java runtime (17+)" "brew install openjdk"
  else
    apt_install default-jre-headless || fail "a Java runtime (17+)" "apt-get install default-jre-headless"
  fi
fi

# 5. DynamoDB Local, taken from the npm tarball of amplify-dynamodb-simulator into the cache folder
if [[ ! -f "$DDB_DIR/DynamoDBLocal.jar" ]]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack "amplify-dynamodb-simulator@$DDB_VERSION" --silent >/dev/null && tar xzf ./*.tgz) \
    || fail "DynamoDB Local" "npm pack amplify-dynamodb-simulator@$DDB_VERSION, then copy package/emulator to $DDB_DIR"
  mkdir -p "$CACHE_DIR"
  rm -rf "$DDB_DIR.partial" && mv "$tmp/package/emulator" "$DDB_DIR.partial" && mv "$DDB_DIR.partial" "$DDB_DIR"
fi

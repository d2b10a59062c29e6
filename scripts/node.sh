# Sourced (not run) by scripts/test.sh, scripts/start.sh and scripts/ensure-deps.sh:
#   source scripts/node.sh 22    (the Lambda runtime's version; the major is required: a sourced script
#                                 would otherwise see its caller's arguments)
# puts a Node.js of that major version first on PATH. A `node` of that version already on PATH is used
# as it is. Otherwise the official binary is taken from the npm package node-<os>-<arch>@<version> (the
# binary and the C headers are inside its tarball) into $KEYLEDGER_CACHE_DIR, once. Either way
# npm_config_nodedir then points at the chosen Node.js's own headers, so native addons (better-sqlite3,
# pkcs11js) build for the Node.js that runs them, without any other download, even where an npmrc names
# another (Debian's sets nodedir=/usr, the system Node.js's headers). Quiet when present; one clear message
# where it cannot.

keyledger_use_node() {
  local major="$1" version
  case "$major" in
    22) version=22.23.5 ;;
    24) version=24.22.3 ;;
    *) echo "keyledger: no pinned Node.js version for major $major" >&2; return 1 ;;
  esac
  if [[ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" == "$major" ]]; then
    local prefix
    prefix=$(node -p 'require("path").resolve(process.execPath, "../..")')
    [[ -f "$prefix/include/node/node_version.h" ]] && export npm_config_nodedir="$prefix"
    return 0
  fi

  local os arch
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) os=unknown ;; esac
  case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) arch=unknown ;; esac
  local cache="${KEYLEDGER_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/keyledger}"
  local dir="$cache/node-v$version-$os-$arch"
  if [[ ! -x "$dir/bin/node" ]]; then
    local tmp
    mkdir -p "$cache" && tmp=$(mktemp -d "$cache/.node-$version.XXXXXX") || return 1
    if ! (cd "$tmp" && npm pack "node-$os-$arch@$version" --silent >/dev/null 2>&1 && tar xzf ./*.tgz) ||
      [[ ! -x "$tmp/package/bin/node" ]]; then
      rm -rf "$tmp"
      echo "keyledger: cannot install Node.js $major automatically (npm package node-$os-$arch@$version)." \
        "Install Node.js $major and run the command again." >&2
      return 1
    fi
    # Another run may have installed it meanwhile: keep the first, drop ours.
    [[ -e "$dir" ]] || mv "$tmp/package" "$dir"
    rm -rf "$tmp"
    [[ -x "$dir/bin/node" ]] || { echo "keyledger: $dir holds no Node.js binary; remove it and run again." >&2; return 1; }
  fi
  export PATH="$dir/bin:$PATH"
  export npm_config_nodedir="$dir"
}

keyledger_use_node "$1" || exit 1

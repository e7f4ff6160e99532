#!/usr/bin/env bash
# Builds reconcile in release with the Swift runtime linked in, and installs it with its
# shell completions under PREFIX (default /usr/local):
#
#   scripts/install.sh [PREFIX]
#
# The binary then needs only glibc, libstdc++ and zlib (on every Debian and Ubuntu), libyaml
# (libyaml-0-2) and the OpenSSH client at run time:
# copy PREFIX/bin/reconcile to any machine of the same architecture and C library, or cache it
# in CI keyed on the source (examples/ci/). Build needs Swift 6.1+ and libyaml-dev.
set -euo pipefail
prefix=${1:-/usr/local}
cd "$(dirname "$0")/.."

swift build -c release --static-swift-stdlib --product reconcile
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)/reconcile

install -d "$prefix/bin" "$prefix/share/bash-completion/completions" \
    "$prefix/share/zsh/site-functions" "$prefix/share/fish/vendor_completions.d"
install -m 0755 "$bin" "$prefix/bin/reconcile"
"$prefix/bin/reconcile" --generate-completion-script bash > "$prefix/share/bash-completion/completions/reconcile"
"$prefix/bin/reconcile" --generate-completion-script zsh > "$prefix/share/zsh/site-functions/_reconcile"
"$prefix/bin/reconcile" --generate-completion-script fish > "$prefix/share/fish/vendor_completions.d/reconcile.fish"

# What the binary links dynamically: nothing of Swift's.
if ldd "$prefix/bin/reconcile" | grep -q -i swift; then
    echo "error: $prefix/bin/reconcile still links a Swift runtime library:" >&2
    ldd "$prefix/bin/reconcile" >&2
    exit 1
fi
echo "installed $("$prefix/bin/reconcile" --version) to $prefix/bin/reconcile"

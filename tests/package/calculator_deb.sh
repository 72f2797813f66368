#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# calculator_deb.sh <qradio build dir> <work dir> <node> <npm dir>
# The calculator's Debian package as a user gets it: built by CPack, installed with dpkg -i (as root),
# its app called by the real @gradio/client, its window module found where the package put it, and
# removed again with dpkg -r.
source "$(dirname "$0")/common.sh"
build="$1" work="$2" node="$3" npm="$4"
[[ $(id -u) -eq 0 ]] || fail "dpkg -i needs root (CI runs as root)"
rm -rf "$work" && mkdir -p "$work"

step "cpack: the calculator's component"
cpack --config "$build/CPackConfig.cmake" -B "$work" -D CPACK_COMPONENTS_ALL=calculator >"$work/cpack.log" 2>&1 \
  || { cat "$work/cpack.log"; fail "cpack"; }
deb=$(ls "$work"/qradio-calculator_*.deb) || { ls "$work"; fail "no qradio-calculator .deb"; }
echo "package: $(basename "$deb"), $(stat -c %s "$deb") bytes; Depends: $(dpkg-deb -f "$deb" Depends)"

step "dpkg -i"
remove() { dpkg -r qradio-calculator >/dev/null 2>&1 || true; cleanup; }
trap remove EXIT
dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i"; }
[[ -x /usr/bin/calculator ]] || fail "/usr/bin/calculator is not installed"
[[ -f /usr/share/applications/qradio-calculator.desktop ]] || fail "no desktop entry"
grep -q '^Name=Calculator$' /usr/share/applications/qradio-calculator.desktop || fail "the desktop entry has no Name"
[[ -f /usr/share/icons/hicolor/256x256/apps/qradio-calculator.png ]] || fail "no 256 px icon"

step "the installed app, called by @gradio/client"
start_app "$work/headless.log" /usr/bin/calculator --headless
(cd "$npm" && "$node" tests/installed_client.mjs "$url") || fail "@gradio/client against the installed app"
version=$(/usr/bin/calculator --version)
[[ "$version" == 'qradio-calculator 0.1.0' ]] || fail "--version (the manifest's ID and VERSION) says: $version"
stop_app

step "with a window (offscreen): the package's own window module is loaded"
QT_QPA_PLATFORM=offscreen QTWEBENGINE_DISABLE_SANDBOX=1 start_app "$work/window.log" /usr/bin/calculator
pid="${pids[-1]}"
for _ in $(seq 1 100); do grep -q qradio_desktop_frontend "/proc/$pid/maps" && break; sleep 0.1; done
module=$(grep -o '/[^ ]*qradio_desktop_frontend.so' "/proc/$pid/maps" | head -1)
[[ "$module" == /usr/lib/*calculator/qradio_desktop_frontend.so ]] || { cat "$work/window.log"; fail "window module loaded from '$module'"; }
stop_app

step "dpkg -r"
dpkg -r qradio-calculator >"$work/dpkg-r.log" 2>&1 || { cat "$work/dpkg-r.log"; fail "dpkg -r"; }
[[ ! -e /usr/bin/calculator ]] || fail "dpkg -r left /usr/bin/calculator"
echo "PASS"

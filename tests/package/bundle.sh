#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# package.bundle: the calculator's portable bundle (cmake/QradioBundle.cmake) runs on its own.
#   bundle.sh <tarball> <app name> <the system Qt's plugin folder>
# Unpacks the tarball into an empty folder, runs the app from there with an environment scrubbed
# of Qt (env -i: no LD_LIBRARY_PATH, no QT_PLUGIN_PATH), headless and then with a window on the
# offscreen platform (which loads the window module and Qt WebEngine, and starts QtWebEngineProcess),
# serves /gradio_api/info and a predict over HTTP, and checks in /proc/<pid>/maps of the app and of
# every QtWebEngineProcess under it that each Qt library, the window module and each Qt plugin is
# mapped from the bundle, and that no library the bundle holds is mapped from anywhere else.
# The system's Qt is installed here: RUNPATH alone would not prove anything, the maps do.
set -euo pipefail

tarball=${1:?tarball} name=${2:?app name} system_plugins=${3:?the system Qt plugin folder}
[[ -f $tarball ]] || { echo "FAIL: no tarball $tarball (build the ${name}_bundle target)"; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/qradio-bundle-test.XXXXXX")
app_pid=''
stop_app() {
  [[ -n $app_pid ]] || return 0
  local pids
  pids=$(descendants "$app_pid")
  kill "$app_pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$app_pid" 2>/dev/null || true
  wait "$app_pid" 2>/dev/null || true
  for pid in $pids; do kill -9 "$pid" 2>/dev/null || true; done
  app_pid=''
}
cleanup() { stop_app; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; [[ -f $work/app.log ]] && { echo "--- app output:"; cat "$work/app.log"; }; exit 1; }

# Every process under $1 (children, grandchildren...), by the parent ids ps reports.
descendants() {
  ps -e -o pid=,ppid= | awk -v root="$1" '
    { parent[$1] = $2 }
    END {
      for (pid in parent) {
        for (p = parent[pid]; p != "" && p > 1; p = parent[p]) if (p == root) { print pid; break }
      }
    }'
}

mkdir "$work/unpacked" "$work/home"
tar -C "$work/unpacked" -xzf "$tarball"
entries=$(ls -A "$work/unpacked")
[[ $entries == "$name" ]] || fail "the tarball must hold one folder $name, not: $entries"
bundle=$work/unpacked/$name
for path in "$name" "bin/$name" bin/qt.conf lib/qradio/qradio_desktop_frontend.so lib/libQt6Core.so.6 \
            lib/libQt6WebEngineCore.so.6 plugins/platforms/libqoffscreen.so plugins/platforms/libqxcb.so \
            libexec/QtWebEngineProcess resources/qtwebengine_resources.pak translations/qtwebengine_locales/en-US.pak; do
  [[ -e $bundle/$path ]] || fail "the bundle has no $path"
done
file "$bundle/bin/$name" | grep -q ', stripped' || fail "bin/$name is not stripped"

run_app() {  # [VAR=value...] -- args...: runs the app from the bundle, environment scrubbed; sets app_pid, port
  local vars=()
  while [[ $1 != -- ]]; do vars+=("$1"); shift; done
  shift
  : >"$work/app.log"
  env -i PATH=/usr/bin:/bin HOME="$work/home" LANG=C.UTF-8 \
      QT_QPA_PLATFORM=offscreen QTWEBENGINE_DISABLE_SANDBOX=1 "${vars[@]}" \
      "$bundle/$name" --host 127.0.0.1 --port 0 "$@" >"$work/app.log" 2>&1 &
  app_pid=$!
  port=''
  for _ in $(seq 300); do
    port=$(sed -n 's|^Running on local URL: *http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$work/app.log")
    [[ -n $port ]] && return 0
    kill -0 "$app_pid" 2>/dev/null || fail "the app exited before serving"
    sleep 0.1
  done
  fail "no 'Running on local URL' line after 30 s"
}

check_http() {  # the API answers: /gradio_api/info and a predict of add(3, 5) through /call
  local base=http://127.0.0.1:$port info join event_id stream
  info=$(curl -sS --max-time 10 "$base/gradio_api/info") || fail "GET /gradio_api/info"
  grep -q '"/add"' <<<"$info" || fail "/gradio_api/info has no /add endpoint: $info"
  join=$(curl -sS --max-time 10 -H 'Content-Type: application/json' -d '{"data": [3, 5]}' "$base/gradio_api/call/add") \
    || fail "POST /gradio_api/call/add"
  event_id=$(sed -n 's/.*"event_id" *: *"\([^"]*\)".*/\1/p' <<<"$join")
  [[ -n $event_id ]] || fail "POST /gradio_api/call/add gave no event_id: $join"
  stream=$(curl -sS --max-time 10 "$base/gradio_api/call/add/$event_id") || fail "GET the event stream"
  grep -q '^data: \[8\]' <<<"$stream" || fail "add(3, 5) did not stream [8]: $stream"
}

check_maps() {  # pid what: every Qt library, Qradio module and Qt plugin mapped comes from the bundle
  local pid=$1 what=$2 maps libs lib base
  maps=$(cat "/proc/$pid/maps" 2>/dev/null) || fail "cannot read the maps of $what ($pid)"
  libs=$(awk '$6 ~ /\.so/ { print $6 }' <<<"$maps" | sort -u)
  [[ -n $libs ]] || fail "$what ($pid) maps no library"
  while read -r lib; do
    base=$(basename "$lib")
    if [[ $lib == "$bundle"/* ]]; then continue; fi
    [[ $base == libQt6* || $base == libQCoro* || $base == qradio_* || $lib == */plugins/* ]] \
      && fail "$what ($pid) maps $lib from outside the bundle"
    # No library the bundle holds may come from elsewhere (a second copy, or one found first).
    [[ -n ${bundled_stems[${base%%.so*}]:-} ]] && fail "$what ($pid) maps $lib although the bundle has ${base%%.so*}"
  done <<<"$libs"
  echo "$what ($pid): $(grep -c "^$bundle/" <<<"$libs") libraries from the bundle, $(grep -vc "^$bundle/" <<<"$libs" || true) from the system:" \
       "$(grep -v "^$bundle/" <<<"$libs" | xargs -rn1 basename | tr '\n' ' ')"
}

# The libraries the bundle holds, by name without ".so...": libQt6Core for lib/libQt6Core.so.6.
declare -A bundled_stems=()
for bundled in "$bundle"/lib/*.so*; do
  bundled=$(basename "$bundled")
  bundled_stems[${bundled%%.so*}]=1
done

needs_mapped() {  # pid what file...: each file (relative to the bundle) is mapped
  local pid=$1 what=$2; shift 2
  for file in "$@"; do
    grep -q " $bundle/$file\$" "/proc/$pid/maps" || fail "$what ($pid) does not map $bundle/$file"
  done
}

# ---- headless: Qt Core/Network/HttpServer from the bundle, no window module nor WebEngine --------
run_app -- --headless
check_http
check_maps "$app_pid" "headless app"
needs_mapped "$app_pid" "headless app" lib/libQt6Core.so.6 lib/libQt6Network.so.6 lib/libQt6HttpServer.so.6
grep -q 'libQt6WebEngineCore\|qradio_desktop_frontend' "/proc/$app_pid/maps" && fail "the headless run maps the window"
stop_app

# ---- a window (offscreen): the module, the platform plugin, WebEngine and its helper processes ----
# A desktop session's QT_PLUGIN_PATH for the system's Qt: the launcher drops it, so no system plugin loads.
run_app QT_PLUGIN_PATH="$system_plugins" --
check_http
helpers=()
for _ in $(seq 300); do
  helpers=()
  for pid in $(descendants "$app_pid"); do
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || continue
    [[ $exe == "$bundle/libexec/QtWebEngineProcess" ]] && grep -q 'libQt6WebEngineCore' "/proc/$pid/maps" 2>/dev/null \
      && helpers+=("$pid")
  done
  ((${#helpers[@]})) && grep -q qradio_desktop_frontend "/proc/$app_pid/maps" && break
  kill -0 "$app_pid" 2>/dev/null || fail "the app exited"
  sleep 0.1
done
((${#helpers[@]})) || fail "no QtWebEngineProcess from the bundle under the app after 30 s: $(descendants "$app_pid")"
check_maps "$app_pid" "window app"
needs_mapped "$app_pid" "window app" lib/qradio/qradio_desktop_frontend.so lib/libQt6WebEngineCore.so.6 \
  lib/libQt6WebEngineWidgets.so.6 lib/libQt6Widgets.so.6 lib/libQt6Gui.so.6 plugins/platforms/libqoffscreen.so
for pid in "${helpers[@]}"; do
  check_maps "$pid" "QtWebEngineProcess $(tr '\0' ' ' <"/proc/$pid/cmdline" | grep -o -- '--type=[a-z-]*' || true)"
  needs_mapped "$pid" "QtWebEngineProcess" lib/libQt6WebEngineCore.so.6 lib/libQt6Core.so.6
done
# Qt WebEngine found its resources and locales through qt.conf: Chromium maps the .pak files.
needs_mapped "$app_pid" "window app" resources/qtwebengine_resources.pak translations/qtwebengine_locales/en-US.pak
grep -qi 'not found\|could not find' "$work/app.log" && fail "Qt WebEngine did not find its files"
stop_app
left=$(ps -e -o pid=,args= | grep -F "$bundle/" | grep -v grep || true)
[[ -z $left ]] || fail "processes of the bundle outlive the app: $left"
echo "PASS: $name runs from the unpacked bundle, headless and with a window, and maps no Qt from outside it"

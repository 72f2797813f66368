#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# sdk_consumer.sh <qradio build dir> <work dir>
# The SDK as a user gets it: installed (component sdk, stripped as in its package) into a prefix, qradio-new writes a project,
# which is configured with nothing but CMAKE_PREFIX_PATH (no CMAKE_CXX_STANDARD: the targets carry
# C++20), built, run headless and with a window, and packaged as a .deb.
source "$(dirname "$0")/common.sh"
build="$1" work="$2"
rm -rf "$work" && mkdir -p "$work"
sdk="$work/sdk"

step "install the SDK into $sdk"
cmake --install "$build" --prefix "$sdk" --component sdk --strip >"$work/install.log" || { cat "$work/install.log"; fail "SDK install"; }
for file in bin/qradio-new include/qradio/server.h include/qradio/app.h lib/cmake/Qradio/QradioConfig.cmake \
            lib/cmake/Qradio/QradioApp.cmake lib/libqradio-server.a lib/qradio/qradio_desktop_frontend.so \
            lib/qradio/qradio-icons share/qradio/templates/html/CMakeLists.txt; do
  [[ -e "$sdk/$file" ]] || fail "the SDK lacks $file"
done
size=$(stat -c %s "$sdk/lib/libqradio-server.a")
echo "libqradio-server.a installed: $size bytes"
[[ $size -lt 20000000 ]] || fail "the installed server library is not stripped of its debug sections ($size bytes)"

step "qradio-new hello"
"$sdk/bin/qradio-new" hello --dir "$work/hello"
[[ -f "$work/hello/CMakeLists.txt" && -f "$work/hello/main.cpp" && -f "$work/hello/frontend/index.html" ]] \
  || fail "qradio-new wrote no project"
grep -q 'CMAKE_CXX_STANDARD' "$work/hello/CMakeLists.txt" && fail "the template sets the C++ standard itself"
"$sdk/bin/qradio-new" hello --dir "$work/hello" 2>/dev/null && fail "qradio-new overwrote a project"
"$sdk/bin/qradio-new" '../bad' 2>/dev/null && fail "qradio-new took a bad name"

echo "QRADIO_TEST_SECRET=do-not-ship" > "$work/hello/frontend/.env"   # hidden files never go in

step "configure and build it out of tree"
cmake -S "$work/hello" -B "$work/hello/build" -G Ninja -DCMAKE_PREFIX_PATH="$sdk" -DCMAKE_BUILD_TYPE=Release \
  >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; fail "configure"; }
cmake --build "$work/hello/build" >"$work/build.log" 2>&1 || { tail -50 "$work/build.log"; fail "build"; }
app="$work/hello/build/hello"
grep -q 'index.html' "$work/hello/build/hello_qradio/frontend.qrc" || fail "the frontend is not in the resources"
! grep -q '\.env' "$work/hello/build/hello_qradio/frontend.qrc" || fail "a hidden file went into the resources"
! grep -aq 'do-not-ship' "$app" || fail "a hidden file's content is in the executable"
for size in 16 48 256 512; do
  [[ -f "$work/hello/build/hello_qradio/icons/hicolor/${size}x${size}/apps/hello.png" ]] || fail "no ${size}px icon"
done

step "run it headless"
start_app "$work/headless.log" "$app" --headless
answer=$(call "$url" greet '["Qradio"]')
[[ "$answer" == '["Hello, Qradio!"]' ]] || fail "greet answered $answer"
page=$(curl -sf "$url/")
grep -q '<title>Hello</title>' <<<"$page" || fail "GET / is not the frontend's page: $page"
curl -sfI "$url/" | grep -qi '^etag:' || fail "the page has no ETag"
info=$(curl -sf "$url/gradio_api/info")
grep -q '"/greet"' <<<"$info" || fail "/gradio_api/info lacks the endpoint"
stop_app

step "run it with a window (offscreen): the SDK's window module is found and loaded"
QT_QPA_PLATFORM=offscreen QTWEBENGINE_DISABLE_SANDBOX=1 start_app "$work/window.log" "$app"
pid="${pids[-1]}"
for _ in $(seq 1 100); do grep -q qradio_desktop_frontend "/proc/$pid/maps" && break; sleep 0.1; done
grep -q "$sdk/lib/qradio/qradio_desktop_frontend.so" "/proc/$pid/maps" || { cat "$work/window.log"; fail "the window module was not loaded from the SDK"; }
grep -q 'Running headless' "$work/window.log" && fail "it ran headless"
stop_app

step "qradio-new --template react: npm ci and vite build by the CMake build, served at /"
"$sdk/bin/qradio-new" chat --template react --dir "$work/chat"
cmake -S "$work/chat" -B "$work/chat/build" -G Ninja -DCMAKE_PREFIX_PATH="$sdk" -DCMAKE_BUILD_TYPE=Release \
  >"$work/react-configure.log" 2>&1 || { cat "$work/react-configure.log"; fail "configure (react)"; }
cmake --build "$work/chat/build" >"$work/react-build.log" 2>&1 || { tail -50 "$work/react-build.log"; fail "build (react)"; }
start_app "$work/react.log" "$work/chat/build/chat" --headless
page=$(curl -sf "$url/")
grep -q '<div id="root">' <<<"$page" || fail "GET / is not the React page: $page"
asset=$(grep -o '/assets/[^"]*\.js' <<<"$page" | head -1)
[[ -n "$asset" ]] || fail "the React page names no built script"
curl -sfI "$url$asset" | grep -qi '^cache-control:.*immutable' || fail "$asset is not cached as immutable"
answer=$(call "$url" write '["Qradio"]')
[[ "$answer" == '["'* ]] || fail "write answered $answer"
stop_app

step "package it"
(cd "$work/hello/build" && cpack >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack"; }
deb=$(ls "$work"/hello/build/hello_0.1.0_*.deb) || fail "no hello .deb"
contents=$(dpkg-deb -c "$deb")
for file in ./usr/bin/hello ./usr/lib/hello/qradio_desktop_frontend.so ./usr/share/applications/hello.desktop \
            ./usr/share/icons/hicolor/48x48/apps/hello.png ./usr/share/icons/hicolor/scalable/apps/hello.svg; do
  grep -q " $file\$" <<<"$contents" || fail "the .deb lacks $file"
done
depends=$(dpkg-deb -f "$deb" Depends)
grep -q 'libqt6core6' <<<"$depends" || fail "Depends lacks Qt: $depends"
grep -q 'libqt6webenginecore6' <<<"$depends" || fail "Depends lacks Qt WebEngine (the window module): $depends"
dpkg-deb --fsys-tarfile "$deb" | tar -x -O ./usr/bin/hello >"$work/hello.bin"
file "$work/hello.bin" | grep -q ', stripped' || fail "the packaged binary is not stripped: $(file "$work/hello.bin")"

step "install the .deb (dpkg -i) and run the installed app"
[[ $(id -u) -eq 0 ]] || fail "dpkg -i needs root (CI runs as root)"
remove() { dpkg -r hello >/dev/null 2>&1 || true; cleanup; }
trap remove EXIT
dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i"; }
start_app "$work/installed.log" /usr/bin/hello --headless
answer=$(call "$url" greet '["installed"]')
[[ "$answer" == '["Hello, installed!"]' ]] || fail "the installed app's greet answered $answer"
curl -sf "$url/" | grep -q '<title>Hello</title>' || fail "the installed app's page is not served"
stop_app
dpkg -r hello >"$work/dpkg-r.log" 2>&1 || { cat "$work/dpkg-r.log"; fail "dpkg -r"; }
[[ ! -e /usr/bin/hello ]] || fail "dpkg -r left /usr/bin/hello"

step "the portable bundle, unpacked into an empty folder and run without the system's Qt"
cmake --build "$work/hello/build" --target hello_bundle >"$work/bundle.log" 2>&1 || { tail -30 "$work/bundle.log"; fail "hello_bundle"; }
tarball=$(ls "$work"/hello/build/bundles/hello-0.1.0-linux-*.tar.gz) || fail "no bundle tarball"
mkdir "$work/unpacked"
tar -xzf "$tarball" -C "$work/unpacked"
root=$(ls -d "$work"/unpacked/*/)
start_app "$work/bundle-run.log" env -i PATH=/usr/bin:/bin HOME="$work" "$root/hello" --headless
pid="${pids[-1]}"
answer=$(call "$url" greet '["bundle"]')
[[ "$answer" == '["Hello, bundle!"]' ]] || fail "the bundled app's greet answered $answer"
app_pid=$(pgrep -P "$pid" -f bin/hello || echo "$pid")
outside=$(grep -o '/[^ ]*libQt6[^ ]*' "/proc/$app_pid/maps" | sort -u | grep -v "^${root%/}/" || true)
[[ -z "$outside" ]] || fail "the bundled app maps Qt from outside the bundle: $outside"
grep -q "${root%/}/lib/libQt6Core" "/proc/$app_pid/maps" || fail "the bundled app maps no Qt Core from the bundle"
stop_app
echo "PASS"

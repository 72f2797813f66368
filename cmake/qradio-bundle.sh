#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Makes a portable, self-contained folder (and a .tar.gz of it) of one Qradio app: the executable,
# the window module, every shared library they need that a glibc Linux without Qt may lack, the Qt
# plugins a window loads, Qt WebEngine's helper process with its resources and locales, and a
# qt.conf, all found relative to the executable (RUNPATHs set with patchelf). Run by the
# <target>_bundle targets of cmake/QradioBundle.cmake; see installer/README.md ("Portable bundle").
#
#   qradio-bundle.sh --app EXE --name NAME --output DIR [--tarball FILE] [--module SO]
#                    --qt-plugins DIR [--qt-libexecs DIR --qt-data DIR --qt-translations DIR]
#                    [--strip STRIP] [--patchelf PATCHELF]
#
# Layout of DIR (NAME is the app's name):
#   NAME                      launcher script: runs bin/NAME
#   bin/NAME, bin/qt.conf     the executable (stripped); qt.conf points Qt at the folders below
#   lib/                      the bundled shared libraries (RUNPATH $ORIGIN)
#   lib/qradio/               the window module qradio::launch() loads (RUNPATH $ORIGIN/..)
#   plugins/<kind>/           Qt plugins (RUNPATH $ORIGIN/../../lib)
#   libexec/QtWebEngineProcess, libexec/qt.conf     (RUNPATH $ORIGIN/../lib)
#   resources/*.pak, translations/qtwebengine_locales/
#
# Which libraries go in: every library an ELF file of the bundle names in DT_NEEDED, resolved as
# the build machine's dynamic linker resolves it (ldd), then that library's own DT_NEEDED, and so
# on, EXCEPT the "system" libraries below and every library they need themselves. The system set
# is what any glibc Linux desktop that can show a window has, and what must match its kernel,
# display server, GPU driver and fonts: glibc itself (libc, libm, libdl, libpthread, librt,
# libresolv, ld-linux...), the compiler runtime (libstdc++, libgcc_s), X11 and xcb client libraries
# (but not the xcb-util helpers libxcb-icccm/-image/-keysyms/-render-util/-util/-cursor, which
# desktops without Qt often lack), xkbcommon, OpenGL/EGL/DRM/GBM/Vulkan/Wayland client libraries,
# fontconfig, freetype, expat, zlib, and the session services dbus, systemd/udev, ALSA/PulseAudio
# (their own dependencies, e.g. libpng, brotli, zstd, lzma, libgcrypt, come from the system too).
# Everything else (Qt, QCoro, ICU, glib, PCRE2, double-conversion, libb2, libgomp, libproxy,
# Kerberos, md4c, harfbuzz, NSS, libevent, libvpx, ...) goes in, so that even a headless run works
# on a minimal glibc system. OpenSSL is not linked but loaded by Qt's TLS plugin at run time: the
# system's is used, so it gets the system's security updates.
set -euo pipefail

die() { echo "qradio-bundle: $*" >&2; exit 1; }

app='' name='' output='' tarball='' module=''
qt_plugins='' qt_libexecs='' qt_data='' qt_translations=''
strip_tool=strip patchelf=patchelf
while (($#)); do
  case "$1" in
    --app) app=$2 ;; --name) name=$2 ;; --output) output=$2 ;; --tarball) tarball=$2 ;;
    --module) module=$2 ;; --qt-plugins) qt_plugins=$2 ;; --qt-libexecs) qt_libexecs=$2 ;;
    --qt-data) qt_data=$2 ;; --qt-translations) qt_translations=$2 ;;
    --strip) strip_tool=$2 ;; --patchelf) patchelf=$2 ;;
    *) die "unknown argument '$1'" ;;
  esac
  shift 2 || die "'$1' needs a value"
done
[[ -n $app && -n $name && -n $output && -n $qt_plugins ]] || die "--app, --name, --output and --qt-plugins are required"
[[ -x $app ]] || die "no executable $app"
[[ $name =~ ^[A-Za-z0-9._+-]+$ ]] || die "invalid name '$name'"
command -v "$patchelf" >/dev/null || die "patchelf not found (Debian package patchelf)"

# The system libraries, by soname (see the rule above).
system_re='^(linux-vdso|linux-gate|ld-linux[^.]*|libc|libm|libdl|libpthread|librt|libresolv|libutil|libanl|libnsl|libmvec|libcrypt|libthread_db|libBrokenLocale|libnss_[a-z0-9]+'
system_re+='|libstdc\+\+|libgcc_s'
system_re+='|libX[A-Za-z0-9_-]*|libxcb|libxcb-[a-z0-9_-]+|libxkbcommon|libxkbcommon-x11|libxkbfile|libxshmfence|libSM|libICE'
system_re+='|libGL|libGLX|libGLdispatch|libGLESv[12]_CM|libGLESv2|libEGL|libOpenGL|libgbm|libdrm|libdrm_[a-z]+|libglapi|libvulkan|libwayland-(client|server|cursor|egl)'
system_re+='|libfontconfig|libfreetype|libexpat|libz'
system_re+='|libdbus-1|libsystemd|libudev|libasound|libpulse|libpulse-simple|libpulse-mainloop-glib'
system_re+=')\.so(\..*)?$'
bundled_xcb_re='^libxcb-(icccm|image|keysyms|render-util|util|cursor|ewmh)\.so'

is_system() { [[ $1 =~ $system_re ]] && ! [[ $1 =~ $bundled_xcb_re ]]; }

out=$(realpath -m "$output")
[[ -n $tarball ]] && tarball=$(realpath -m "$tarball") && rm -f "$tarball"
rm -rf "$out"
mkdir -p "$out"/{bin,lib/qradio,plugins,libexec}

# ---- the files the bundle starts from ------------------------------------------------------------
declare -a roots=()         # "source|destination" of every ELF file to resolve
install -m 755 "$app" "$out/bin/$name"
"$strip_tool" --strip-unneeded "$out/bin/$name"
roots+=("$app|$out/bin/$name")
if [[ -n $module ]]; then
  [[ -f $module ]] || die "no window module $module"
  install -m 644 "$module" "$out/lib/qradio/"
  "$strip_tool" --strip-unneeded "$out/lib/qradio/$(basename "$module")"
  roots+=("$module|$out/lib/qradio/$(basename "$module")")
fi

copy_plugin() {  # kind file
  local src="$qt_plugins/$1/$2"
  [[ -f $src ]] || return 0
  mkdir -p "$out/plugins/$1"
  install -m 644 "$src" "$out/plugins/$1/"
  roots+=("$src|$out/plugins/$1/$2")
}
# QtNetwork's plugins: TLS backends, network information. Without the window module (a build
# without the desktop window) nothing more: no GUI plugin, no Qt WebEngine.
copy_plugin networkinformation libqnetworkmanager.so   # not libqglib.so: it brings GIO's stack along
for src in "$qt_plugins"/tls/*.so; do [[ -f $src ]] && copy_plugin tls "$(basename "$src")"; done
if [[ -n $module ]]; then
  # Qt plugins a window loads: platforms (X11, Wayland, offscreen, minimal), their GL and shell
  # integrations, input methods, image formats, icon engines.
  for plugin in libqxcb.so libqoffscreen.so libqminimal.so; do copy_plugin platforms "$plugin"; done
  for src in "$qt_plugins"/platforms/libqwayland-*.so; do [[ -f $src ]] && copy_plugin platforms "$(basename "$src")"; done
  for kind in xcbglintegrations platforminputcontexts imageformats iconengines \
              wayland-decoration-client wayland-graphics-integration-client wayland-shell-integration; do
    for src in "$qt_plugins/$kind"/*.so; do [[ -f $src ]] && copy_plugin "$kind" "$(basename "$src")"; done
  done

  # Qt WebEngine: the helper process, its resources and locales (Debian's build uses the system ICU,
  # so there is no icudtl.dat, nor a V8 snapshot file).
  if [[ -n $qt_libexecs && -x $qt_libexecs/QtWebEngineProcess ]]; then
    install -m 755 "$qt_libexecs/QtWebEngineProcess" "$out/libexec/"
    roots+=("$qt_libexecs/QtWebEngineProcess|$out/libexec/QtWebEngineProcess")
    mkdir -p "$out/resources" "$out/translations"
    for src in "$qt_data"/resources/qtwebengine_*.pak "$qt_data"/resources/icudtl.dat "$qt_data"/resources/v8_context_snapshot*.bin; do
      [[ -f $src ]] && install -m 644 "$src" "$out/resources/"
    done
    [[ -d $qt_translations/qtwebengine_locales ]] && cp -r "$qt_translations/qtwebengine_locales" "$out/translations/"
  fi
fi

# ---- the libraries: a walk of DT_NEEDED from the roots ------------------------------------------
# Phase 1 finds every library the roots reach without passing through a system library, and the
# system libraries they reach; phase 2 walks those system libraries' own dependencies, which are
# system libraries too (e.g. freetype needs libpng and brotli, libsystemd needs zstd and lzma): a
# library that both sides need comes from the system only, so no process can end up with the
# system's copy in one place and the bundle's in another, whichever loads it first.
declare -A path_of=()       # soname -> where the build machine's dynamic linker finds it
declare -A system=()        # soname -> 1 for the system libraries
declare -a queue=()         # paths whose DT_NEEDED is still to walk
declare -a system_queue=()
walk() {                    # path [system]: records the DT_NEEDED of one ELF file
  local resolved soname path
  resolved=$(env -u LD_LIBRARY_PATH -u LD_PRELOAD ldd "$1" 2>/dev/null || true)
  while read -r soname; do
    [[ -n $soname ]] || continue
    if [[ -n ${system[$soname]:-} ]] || [[ -n ${path_of[$soname]:-} && -z ${2:-} ]]; then continue; fi
    path=$(awk -v n="$soname" '$1 == n && $2 == "=>" { print $3; exit }' <<<"$resolved")
    if [[ -n ${2:-} ]] || is_system "$soname"; then
      system[$soname]=1
      [[ -n $path && -f $path ]] && system_queue+=("$path")
      continue
    fi
    [[ -n $path && $path != not && -f $path ]] || die "$1 needs $soname, which is not found"
    path_of[$soname]=$path
    queue+=("$path")
  done < <("$patchelf" --print-needed "$1")
}
drain() {
  while ((${#queue[@]})); do
    local next=${queue[0]}
    queue=("${queue[@]:1}")
    walk "$next"
  done
}
for root in "${roots[@]}"; do walk "${root%%|*}"; done
drain
# NSS loads its crypto modules with dlopen() from the folder of libnss3: they go next to it.
if [[ -n ${path_of[libnss3.so]:-} ]]; then
  for soname in libsoftokn3.so libfreebl3.so libfreeblpriv3.so libnssckbi.so libnssdbm3.so; do
    path=$(dirname "${path_of[libnss3.so]}")/$soname
    if [[ -f $path && -z ${path_of[$soname]:-} ]]; then path_of[$soname]=$path; queue+=("$path"); fi
  done
  drain
fi
while ((${#system_queue[@]})); do
  next=${system_queue[0]}
  system_queue=("${system_queue[@]:1}")
  walk "$next" system
done
for soname in "${!path_of[@]}"; do
  [[ -n ${system[$soname]:-} ]] && continue
  cp -L "${path_of[$soname]}" "$out/lib/$soname"
  chmod 644 "$out/lib/$soname"
done

rmdir --ignore-fail-on-non-empty "$out/lib/qradio" "$out/libexec" "$out/plugins"

# ---- relative RUNPATHs --------------------------------------------------------------------------
set_runpath() { "$patchelf" --set-rpath "$1" "$2"; }
set_runpath '$ORIGIN/../lib' "$out/bin/$name"
[[ -x $out/libexec/QtWebEngineProcess ]] && set_runpath '$ORIGIN/../lib' "$out/libexec/QtWebEngineProcess"
for file in "$out"/lib/*.so*; do set_runpath '$ORIGIN' "$file"; done
for file in "$out"/lib/qradio/*.so; do [[ -f $file ]] && set_runpath '$ORIGIN/..' "$file"; done
for file in "$out"/plugins/*/*.so; do [[ -f $file ]] && set_runpath '$ORIGIN/../../lib' "$file"; done

# ---- qt.conf (QLibraryInfo reads it next to the executable) and the launcher --------------------
qt_conf='[Paths]
Prefix=..
Libraries=lib
LibraryExecutables=libexec
Plugins=plugins
Data=.
ArchData=.
Translations=translations
'
printf '%s' "$qt_conf" >"$out/bin/qt.conf"
[[ -x $out/libexec/QtWebEngineProcess ]] && printf '%s' "$qt_conf" >"$out/libexec/qt.conf"
cat >"$out/$name" <<EOF
#!/bin/sh
# Runs $name from this folder: bin/$name finds its libraries, plugins and Qt WebEngine relative to
# itself (RUNPATH, bin/qt.conf). Paths a desktop session may set for its own Qt would win over
# qt.conf and load another Qt's plugins or helper: they do not apply to this one.
unset QT_PLUGIN_PATH QT_QPA_PLATFORM_PLUGIN_PATH QTWEBENGINEPROCESS_PATH QTWEBENGINE_RESOURCES_PATH QTWEBENGINE_LOCALES_PATH
here=\$(dirname "\$(readlink -f "\$0")")
exec "\$here/bin/$name" "\$@"
EOF
chmod 755 "$out/$name"

# ---- the tarball -------------------------------------------------------------------------------
if [[ -n $tarball ]]; then
  tar -C "$(dirname "$out")" -czf "$tarball" "$(basename "$out")"
fi
echo "qradio-bundle: $out ($(du -sh "$out" | cut -f1), $(find "$out/lib" -maxdepth 1 -type f | wc -l) libraries)${tarball:+, $tarball ($(du -h "$tarball" | cut -f1))}"

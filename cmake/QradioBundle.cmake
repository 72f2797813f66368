# SPDX-License-Identifier: MIT
# qradio_add_bundle(<target> [OUTPUT_NAME <name>])
#
# Adds the custom target <target>_bundle (not part of `all`), which makes a portable,
# self-contained folder of the app executable <target> and a tarball of it:
#   ${CMAKE_BINARY_DIR}/bundles/<name>/                                 the folder
#   ${CMAKE_BINARY_DIR}/bundles/<name>-<version>-linux-<arch>.tar.gz    the tarball
# <name> defaults to the target's OUTPUT_NAME, or its name. The folder holds the stripped executable,
# the window module qradio::launch() loads, the shared libraries a glibc Linux without Qt lacks,
# the Qt plugins of a window and Qt WebEngine's helper process and data, with relative RUNPATHs and
# a qt.conf: copy or unpack it anywhere and run ./<name>. cmake/qradio-bundle.sh does the work and
# documents the layout and which libraries go in; installer/README.md tells how to use it.
# The target properties QRADIO_BUNDLE_DIR and QRADIO_BUNDLE_TARBALL of <target> name both paths.
include_guard(GLOBAL)

find_program(QRADIO_PATCHELF_EXECUTABLE patchelf DOC "patchelf, for the portable bundles' RUNPATHs (Debian package patchelf)")

function(qradio_add_bundle target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "OUTPUT_NAME" "")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "qradio_add_bundle: unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "qradio_add_bundle: no target ${target}")
  endif()
  get_target_property(_type ${target} TYPE)
  if(NOT _type STREQUAL "EXECUTABLE")
    message(FATAL_ERROR "qradio_add_bundle: ${target} is not an executable")
  endif()
  set(_name "${arg_OUTPUT_NAME}")
  if(NOT _name)
    get_target_property(_name ${target} OUTPUT_NAME)
    if(NOT _name)
      set(_name ${target})
    endif()
  endif()
  if(NOT QRADIO_PATCHELF_EXECUTABLE)
    message(WARNING "patchelf not found: ${target}_bundle will fail (apt-get install patchelf)")
    set(QRADIO_PATCHELF_EXECUTABLE patchelf)
  endif()

  set(_strip "${CMAKE_STRIP}")
  if(NOT _strip)
    set(_strip strip)
  endif()
  string(TOLOWER "${CMAKE_SYSTEM_PROCESSOR}" _arch)
  set(_dir "${CMAKE_BINARY_DIR}/bundles/${_name}")
  # The version qradio_add_app() was given, else the project's.
  get_property(_version GLOBAL PROPERTY QRADIO_APP_${target}_VERSION)
  if(NOT _version)
    set(_version "${PROJECT_VERSION}")
  endif()
  set(_tarball "${CMAKE_BINARY_DIR}/bundles/${_name}-${_version}-linux-${_arch}.tar.gz")
  # Read where the function runs (see qradio_add_app()).
  set(_qradio_bundle_script "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/qradio-bundle.sh")
  # QT6_INSTALL_* are relative to QT6_INSTALL_PREFIX (set by find_package(Qt6)).
  set(_qt "${QT6_INSTALL_PREFIX}")
  set(_args --app "$<TARGET_FILE:${target}>" --name "${_name}" --output "${_dir}" --tarball "${_tarball}"
            --qt-plugins "${_qt}/${QT6_INSTALL_PLUGINS}" --qt-libexecs "${_qt}/${QT6_INSTALL_LIBEXECS}"
            --qt-data "${_qt}/${QT6_INSTALL_DATA}" --qt-translations "${_qt}/${QT6_INSTALL_TRANSLATIONS}"
            --strip "${_strip}" --patchelf "${QRADIO_PATCHELF_EXECUTABLE}")
  set(_depends ${target})
  # The window module: Qradio's own target in its tree, the SDK's imported one elsewhere.
  foreach(_module qradio_desktop_frontend Qradio::DesktopModule)
    if(TARGET ${_module})
      list(APPEND _args --module "$<TARGET_FILE:${_module}>")
      list(APPEND _depends ${_module})
      break()
    endif()
  endforeach()
  # Made again when the app, the module or the script changes (not when the system's Qt does:
  # delete the tarball to force it).
  add_custom_command(OUTPUT "${_tarball}"
    COMMAND bash "${_qradio_bundle_script}" ${_args}
    DEPENDS ${_depends} "${_qradio_bundle_script}"
    COMMENT "Making the portable bundle of ${target}: ${_dir}"
    VERBATIM)
  add_custom_target(${target}_bundle DEPENDS "${_tarball}")
  set_target_properties(${target} PROPERTIES QRADIO_BUNDLE_DIR "${_dir}" QRADIO_BUNDLE_TARBALL "${_tarball}")
endfunction()

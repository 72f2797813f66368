# SPDX-License-Identifier: MIT
#
# qradio_add_app(<name>
#                SOURCES <file>...
#                [FRONTEND <folder>]              # served at "/" (single-page-app fallback on); a
#                                                 # folder with a package.json is an npm project: its
#                                                 # `npm run build` output (dist/) is served
#                [FRONTEND_DEPENDS <file>...]     # what the folder is built from (e.g. an npm build's output file)
#                [ICON <image.png|image.svg>]
#                [TITLE <text>] [ID <id>] [VERSION <x.y.z>] [DESCRIPTION <text>]
#                [PACKAGE_NAME <debian-name>] [CATEGORIES <freedesktop categories>])
#
# One call turns a Qradio app into something that ships:
# - the executable <name>, linked to Qradio::App (add your own libraries with target_link_libraries);
# - the FRONTEND folder bundled into the executable's Qt resources at build time (the folder may be
#   the output of a build step: name that step's output in FRONTEND_DEPENDS), which qradio::launch()
#   serves at "/" with Server::staticFiles(): MIME types, ETags, caching, the index for unknown pages;
# - TITLE, ID, VERSION and ICON as the defaults of qradio::LaunchOptions (window title, settings and
#   single-instance name, --version, window icon), read by launch() from the resource
#   `:/qradio/app/manifest.json`; values given to launch() in code still win;
# - install rules: the executable (bin/), its own copy of the window module (lib/<name>/), a desktop
#   entry (share/applications/<ID>.desktop) and the hicolor icon set generated from the one ICON
#   (16 to 512 px, and scalable/ for an SVG);
# - packaging: the install rules form the CPack component <name>, packaged as the Debian package
#   PACKAGE_NAME (default: <name> in lower case) whose Depends dpkg-shlibdeps writes; a project that
#   does not include CPack itself gets it at the end of its configure step. On Windows and macOS the
#   same call sets up an NSIS installer and a DragNDrop image (see docs/packaging.md);
# - the target <name>_bundle: a portable, self-contained folder and tarball of the app with its Qt
#   (qradio_add_bundle(), cmake/QradioBundle.cmake).
#
# Defaults: TITLE = <name>, ID = <name>, VERSION = PROJECT_VERSION, CATEGORIES = Utility;
include_guard(GLOBAL)
include(GNUInstallDirs)
include(${CMAKE_CURRENT_LIST_DIR}/QradioBundle.cmake)


# The window module each app installs beside itself, and the icon tool: targets in Qradio's own
# tree, imported targets (Qradio::DesktopModule, Qradio::IconTool) from the installed SDK.
function(_qradio_target_or_imported out local imported)
  if(TARGET ${local})
    set(${out} ${local} PARENT_SCOPE)
  elseif(TARGET ${imported})
    set(${out} ${imported} PARENT_SCOPE)
  else()
    set(${out} "" PARENT_SCOPE)
  endif()
endfunction()

function(qradio_add_app name)
  cmake_parse_arguments(PARSE_ARGV 1 arg ""
    "FRONTEND;ICON;TITLE;ID;VERSION;DESCRIPTION;PACKAGE_NAME;CATEGORIES"
    "SOURCES;FRONTEND_DEPENDS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "qradio_add_app(${name}): unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "qradio_add_app(${name}): SOURCES is required (the files with main() and your endpoints)")
  endif()
  macro(_qradio_default key value)
    if(NOT DEFINED arg_${key})
      set(arg_${key} "${value}")
    endif()
  endmacro()
  _qradio_default(TITLE "${name}")
  _qradio_default(ID "${name}")
  _qradio_default(VERSION "${PROJECT_VERSION}")
  if(NOT arg_VERSION)
    set(arg_VERSION 0.1.0)
  endif()
  _qradio_default(DESCRIPTION "${arg_TITLE}, a Qradio app")
  _qradio_default(CATEGORIES "Utility;")
  if(NOT arg_PACKAGE_NAME)
    string(TOLOWER "${name}" arg_PACKAGE_NAME)
    string(REPLACE "_" "-" arg_PACKAGE_NAME "${arg_PACKAGE_NAME}")
  endif()
  if(NOT arg_ID MATCHES "^[A-Za-z0-9][A-Za-z0-9._-]*$")
    message(FATAL_ERROR "qradio_add_app(${name}): ID '${arg_ID}' may hold only letters, digits, '.', '_' and '-'")
  endif()

  # This file's folder, read where the function runs: a variable set at include time would be empty
  # in a directory other than the one that ran find_package(Qradio).
  set(_QRADIO_APP_MODULE_DIR "${CMAKE_CURRENT_FUNCTION_LIST_DIR}")
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE Qradio::App)
  set(_gen "${CMAKE_CURRENT_BINARY_DIR}/${name}_qradio")
  set(_resources manifest.json)

  # ---- the frontend folder, as resources generated at build time ----------------------------------
  set(_frontend_resource "")
  if(arg_FRONTEND)
    get_filename_component(_folder "${arg_FRONTEND}" ABSOLUTE)
    if(EXISTS "${_folder}/package.json")
      # An npm project: built into the build tree, and its dist/ bundled.
      find_program(QRADIO_NPM_EXECUTABLE npm)
      if(NOT QRADIO_NPM_EXECUTABLE)
        message(FATAL_ERROR "qradio_add_app(${name}): ${arg_FRONTEND} is an npm project and npm is not installed")
      endif()
      # Rebuilt when any of its files changes; node_modules/, dist/ and .git/ are not walked.
      file(GLOB _npm_entries LIST_DIRECTORIES true CONFIGURE_DEPENDS "${_folder}/*")
      list(FILTER _npm_entries EXCLUDE REGEX "/(node_modules|dist|\\.git)$")
      set(_npm_files "")
      foreach(_entry IN LISTS _npm_entries)
        if(IS_DIRECTORY "${_entry}")
          file(GLOB_RECURSE _tree CONFIGURE_DEPENDS "${_entry}/*")
          list(APPEND _npm_files ${_tree})
        else()
          list(APPEND _npm_files "${_entry}")
        endif()
      endforeach()
      add_custom_command(
        OUTPUT "${_gen}/npm.stamp"
        COMMAND "${CMAKE_COMMAND}" -DSOURCE=${_folder} -DWORK=${_gen}/web -DNPM=${QRADIO_NPM_EXECUTABLE}
                -DSTAMP=${_gen}/npm.stamp -P "${_QRADIO_APP_MODULE_DIR}/QradioNpmBuild.cmake"
        DEPENDS ${_npm_files} ${arg_FRONTEND_DEPENDS} "${_QRADIO_APP_MODULE_DIR}/QradioNpmBuild.cmake"
        COMMENT "Building the npm frontend of ${name} (npm ci, npm run build)"
        VERBATIM)
      set(arg_FRONTEND_DEPENDS "${_gen}/npm.stamp")
      set(_folder "${_gen}/web/dist")
      set(_frontend_files "")
    else()
      file(GLOB_RECURSE _frontend_files CONFIGURE_DEPENDS "${_folder}/*")
    endif()
    set(_cpp "${_gen}/qrc_frontend.cpp")
    add_custom_command(
      OUTPUT "${_cpp}"
      COMMAND "${CMAKE_COMMAND}" -DFOLDER=${_folder} -DQRC=${_gen}/frontend.qrc
              -DPREFIX=/qradio/app/frontend -P "${_QRADIO_APP_MODULE_DIR}/QradioFrontendQrc.cmake"
      COMMAND Qt6::rcc --name ${name}_frontend --output "${_cpp}" "${_gen}/frontend.qrc"
      DEPENDS ${_frontend_files} ${arg_FRONTEND_DEPENDS} "${_QRADIO_APP_MODULE_DIR}/QradioFrontendQrc.cmake"
      COMMENT "Bundling the frontend of ${name} from ${_folder}"
      VERBATIM)
    target_sources(${name} PRIVATE "${_cpp}")
    set(_frontend_resource ":/qradio/app/frontend")
  endif()

  # ---- the icon: the window's (a resource) and the desktop's (the hicolor set) ---------------------
  set(_icon_resource "")
  if(arg_ICON)
    get_filename_component(_icon "${arg_ICON}" ABSOLUTE)
    get_filename_component(_icon_ext "${_icon}" LAST_EXT)
    string(TOLOWER "${_icon_ext}" _icon_ext)
    if(NOT _icon_ext MATCHES "^\\.(png|svg)$")
      message(FATAL_ERROR "qradio_add_app(${name}): ICON must be a .png or .svg file, not ${arg_ICON}")
    endif()
    configure_file("${_icon}" "${_gen}/icon${_icon_ext}" COPYONLY)
    list(APPEND _resources "icon${_icon_ext}")
    set(_icon_resource ":/qradio/app/icon${_icon_ext}")
    _qradio_target_or_imported(_icon_tool qradio_icons Qradio::IconTool)
    if(_icon_tool)
      add_custom_command(
        OUTPUT "${_gen}/icons.stamp"
        COMMAND "${CMAKE_COMMAND}" -E rm -rf "${_gen}/icons"
        COMMAND ${_icon_tool} "${_icon}" "${_gen}/icons" "${arg_ID}"
        COMMAND "${CMAKE_COMMAND}" -E touch "${_gen}/icons.stamp"
        DEPENDS "${_icon}" ${_icon_tool}
        COMMENT "Generating the icon sizes of ${name}"
        VERBATIM)
      add_custom_target(${name}_icons ALL DEPENDS "${_gen}/icons.stamp")
      install(DIRECTORY "${_gen}/icons/hicolor" DESTINATION ${CMAKE_INSTALL_DATADIR}/icons COMPONENT ${name})
    else()
      message(WARNING "qradio_add_app(${name}): Qradio was built without the window: no icon sizes are generated")
    endif()
  endif()

  # ---- the manifest launch() reads --------------------------------------------------------------
  # moduleDir: the installed app's own copy of the window module, relative to bin/; modulePath: the
  # module this build links against, for runs from the build tree.
  _qradio_target_or_imported(_module qradio_desktop_frontend Qradio::DesktopModule)
  file(RELATIVE_PATH _module_from_bin "/${CMAKE_INSTALL_BINDIR}" "/${CMAKE_INSTALL_LIBDIR}/${name}")
  set(_manifest_keys
      name "${name}" title "${arg_TITLE}" id "${arg_ID}" version "${arg_VERSION}"
      icon "${_icon_resource}" frontend "${_frontend_resource}" moduleDir "${_module_from_bin}")
  set(_json "{}")
  while(_manifest_keys)
    list(POP_FRONT _manifest_keys _key _value)
    string(REPLACE "\\" "\\\\" _value "${_value}")
    string(REPLACE "\"" "\\\"" _value "${_value}")
    string(JSON _json SET "${_json}" "${_key}" "\"${_value}\"")
  endwhile()
  if(_module)
    string(JSON _json SET "${_json}" modulePath "\"@MODULE_PATH@\"")
    string(REPLACE "@MODULE_PATH@" "$<TARGET_FILE:${_module}>" _json "${_json}")
  endif()
  file(GENERATE OUTPUT "${_gen}/manifest.json" CONTENT "${_json}\n")
  list(TRANSFORM _resources PREPEND "${_gen}/")
  qt_add_resources(${name} ${name}_app PREFIX /qradio/app BASE "${_gen}" FILES ${_resources})

  # ---- installing ----------------------------------------------------------------------------------
  install(TARGETS ${name} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT ${name}
                          BUNDLE DESTINATION . COMPONENT ${name})
  if(_module)
    install(FILES $<TARGET_FILE:${_module}> DESTINATION ${CMAKE_INSTALL_LIBDIR}/${name} COMPONENT ${name})
  endif()
  string(REPLACE "\n" " " _entry_title "${arg_TITLE}")
  string(REPLACE "\n" " " _entry_comment "${arg_DESCRIPTION}")
  string(JOIN "" _desktop
    "[Desktop Entry]\n"
    "Type=Application\n"
    "Name=${_entry_title}\n"
    "Comment=${_entry_comment}\n"
    "Exec=${name}\n"
    "Icon=${arg_ID}\n"
    "Terminal=false\n"
    "Categories=${arg_CATEGORIES}\n"
    "StartupWMClass=${name}\n")
  # Written as is (no ${} or @@ expansion), and only when it changed.
  file(WRITE "${_gen}/${arg_ID}.desktop.new" "${_desktop}")
  file(COPY_FILE "${_gen}/${arg_ID}.desktop.new" "${_gen}/${arg_ID}.desktop" ONLY_IF_DIFFERENT)
  install(FILES "${_gen}/${arg_ID}.desktop" DESTINATION ${CMAKE_INSTALL_DATADIR}/applications COMPONENT ${name})

  # ---- packaging -----------------------------------------------------------------------------------
  foreach(_key PACKAGE_NAME VERSION TITLE DESCRIPTION)
    set_property(GLOBAL PROPERTY QRADIO_APP_${name}_${_key} "${arg_${_key}}")
  endforeach()
  set_property(GLOBAL APPEND PROPERTY QRADIO_APPS ${name})
  if(NOT WIN32 AND NOT APPLE)
    qradio_add_bundle(${name})
  endif()
  if(APPLE)
    set_target_properties(${name} PROPERTIES MACOSX_BUNDLE TRUE
      MACOSX_BUNDLE_BUNDLE_NAME "${arg_TITLE}" MACOSX_BUNDLE_GUI_IDENTIFIER "${arg_ID}"
      MACOSX_BUNDLE_BUNDLE_VERSION "${arg_VERSION}" MACOSX_BUNDLE_SHORT_VERSION_STRING "${arg_VERSION}")
  elseif(WIN32)
    set_target_properties(${name} PROPERTIES WIN32_EXECUTABLE TRUE)
  endif()
  if(NOT QRADIO_IN_TREE)
    # An app built against the SDK: CPack at the end of the configure step, unless the project
    # included it itself.
    get_property(_deferred GLOBAL PROPERTY _QRADIO_CPACK_DEFERRED)
    if(NOT _deferred)
      set_property(GLOBAL PROPERTY _QRADIO_CPACK_DEFERRED TRUE)
      cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL _qradio_package)
    endif()
  endif()
endfunction()

# The packaging of every qradio_add_app() of a project: one package per app (component). Called by
# Qradio's installer/ for its own tree and, deferred, at the end of a consumer project's configure.
macro(_qradio_package)
  if(NOT CPack_CMake_INCLUDED)
    get_property(_qradio_apps GLOBAL PROPERTY QRADIO_APPS)
    if(NOT CPACK_PACKAGE_NAME)
      list(GET _qradio_apps 0 CPACK_PACKAGE_NAME)
    endif()
    if(NOT CPACK_PACKAGE_VERSION)
      # CPack has one version for all the packages of a project: the first app's.
      list(GET _qradio_apps 0 _qradio_first)
      get_property(CPACK_PACKAGE_VERSION GLOBAL PROPERTY QRADIO_APP_${_qradio_first}_VERSION)
    endif()
    if(NOT CPACK_PACKAGE_CONTACT AND NOT CPACK_DEBIAN_PACKAGE_MAINTAINER)
      set(CPACK_PACKAGE_CONTACT "${CPACK_PACKAGE_NAME} developers <${CPACK_PACKAGE_NAME}@localhost>")
    endif()
    set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
    set(CPACK_STRIP_FILES ON)
    set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)     # <package>_<version>_<arch>.deb
    set(CPACK_DEB_COMPONENT_INSTALL ON)
    set(CPACK_COMPONENTS_GROUPING IGNORE)
    if(NOT CPACK_COMPONENTS_ALL)
      set(CPACK_COMPONENTS_ALL ${_qradio_apps})
    endif()
    foreach(_qradio_app IN LISTS _qradio_apps)
      string(TOUPPER "${_qradio_app}" _qradio_component)
      foreach(_qradio_key PACKAGE_NAME TITLE DESCRIPTION)
        get_property(_qradio_${_qradio_key} GLOBAL PROPERTY QRADIO_APP_${_qradio_app}_${_qradio_key})
      endforeach()
      set(CPACK_DEBIAN_${_qradio_component}_PACKAGE_NAME "${_qradio_PACKAGE_NAME}")
      set(CPACK_DEBIAN_${_qradio_component}_PACKAGE_SECTION misc)
      set(CPACK_DEBIAN_${_qradio_component}_PACKAGE_SHLIBDEPS ON)
      set(CPACK_COMPONENT_${_qradio_component}_DESCRIPTION "${_qradio_TITLE}\n ${_qradio_DESCRIPTION}")
    endforeach()
    if(WIN32)
      set(CPACK_GENERATOR NSIS)
      list(GET _qradio_apps 0 _qradio_first)
      set(CPACK_PACKAGE_EXECUTABLES "${_qradio_first};${CPACK_PACKAGE_NAME}")
      set(CPACK_NSIS_MODIFY_PATH OFF)
      set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
    elseif(APPLE)
      set(CPACK_GENERATOR DragNDrop)
    else()
      set(CPACK_GENERATOR DEB)
    endif()
    include(CPack)
  endif()
endmacro()

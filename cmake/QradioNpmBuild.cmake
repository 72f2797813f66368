# SPDX-License-Identifier: MIT
# cmake -DSOURCE=<npm project> -DWORK=<build copy> -DNPM=<npm> -DSTAMP=<file> -P QradioNpmBuild.cmake
# Builds a frontend that is an npm project (React + Vite, ...) for qradio_add_app(): copies it into
# the build tree (never writing node_modules/ or dist/ into the sources), installs its packages —
# `npm ci` from its lock file, re-run only when the lock file changes — and runs `npm run build`,
# whose output folder (dist/, Vite's default) the app bundles.
# The copy is made afresh (but for the installed node_modules/) so that a file deleted from the
# sources is gone from the build too; the project's own node_modules/, dist/ and .git/ stay out.
file(GLOB _old LIST_DIRECTORIES true "${WORK}/*")       # CMake's * takes dot-files too
list(FILTER _old EXCLUDE REGEX "/node_modules$")
if(_old)
  file(REMOVE_RECURSE ${_old})
endif()
file(GLOB _entries LIST_DIRECTORIES true "${SOURCE}/*")
list(FILTER _entries EXCLUDE REGEX "/(node_modules|dist|\\.git)$")
file(COPY ${_entries} DESTINATION "${WORK}")
if(EXISTS "${WORK}/package-lock.json")
  set(_install ci)
else()
  message(WARNING "${SOURCE} has no package-lock.json: `npm install` picks whatever versions are newest. "
                  "Commit the lock file it writes to pin them.")
  set(_install install)
endif()
set(_installed "${WORK}/node_modules/.qradio-installed-from")
set(_lock "")
if(EXISTS "${WORK}/package-lock.json")
  file(READ "${WORK}/package-lock.json" _lock)
endif()
set(_previous "")
if(EXISTS "${_installed}")
  file(READ "${_installed}" _previous)
endif()
if(NOT EXISTS "${_installed}" OR NOT _lock STREQUAL _previous OR _install STREQUAL "install")
  execute_process(COMMAND "${NPM}" ${_install} --no-audit --no-fund WORKING_DIRECTORY "${WORK}"
                  COMMAND_ERROR_IS_FATAL ANY)
  file(WRITE "${_installed}" "${_lock}")
endif()
file(REMOVE_RECURSE "${WORK}/dist")
execute_process(COMMAND "${NPM}" run build WORKING_DIRECTORY "${WORK}" COMMAND_ERROR_IS_FATAL ANY)
if(NOT EXISTS "${WORK}/dist/index.html")
  message(FATAL_ERROR "`npm run build` in ${SOURCE} made no dist/index.html: qradio_add_app() serves dist/")
endif()
file(TOUCH "${STAMP}")

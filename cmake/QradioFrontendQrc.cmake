# SPDX-License-Identifier: MIT
# cmake -DFOLDER=<folder> -DQRC=<file.qrc> -DPREFIX=<resource prefix> -P QradioFrontendQrc.cmake
# Writes a .qrc listing every file under FOLDER but hidden ones (a name or a folder on the way that
# starts with a dot: .env, .git/): they would ship inside the executable though never served. Run
# at build time by qradio_add_app() so that a folder made by a build step is listed as it is then.
if(NOT IS_DIRECTORY "${FOLDER}")
  message(FATAL_ERROR "qradio_add_app: the FRONTEND folder ${FOLDER} does not exist. If a build step makes it "
                      "(npm run build), name that step's output file in FRONTEND_DEPENDS.")
endif()
file(GLOB_RECURSE _files LIST_DIRECTORIES false RELATIVE "${FOLDER}" "${FOLDER}/*")
if(NOT _files)
  message(FATAL_ERROR "qradio_add_app: the FRONTEND folder ${FOLDER} is empty")
endif()
list(FILTER _files EXCLUDE REGEX "(^|/)\\.")
if(NOT _files)
  message(FATAL_ERROR "qradio_add_app: the FRONTEND folder ${FOLDER} holds only hidden files")
endif()
list(SORT _files)
set(_qrc "<!DOCTYPE RCC>\n<RCC version=\"1.0\">\n<qresource prefix=\"${PREFIX}\">\n")
function(_xml_escape out text)
  string(REPLACE "&" "&amp;" text "${text}")
  string(REPLACE "<" "&lt;" text "${text}")
  string(REPLACE "\"" "&quot;" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()
foreach(_file IN LISTS _files)
  _xml_escape(_alias "${_file}")
  _xml_escape(_path "${FOLDER}/${_file}")
  string(APPEND _qrc "  <file alias=\"${_alias}\">${_path}</file>\n")
endforeach()
string(APPEND _qrc "</qresource>\n</RCC>\n")
file(WRITE "${QRC}" "${_qrc}")

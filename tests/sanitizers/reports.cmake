# SPDX-License-Identifier: MIT
# cmake -D DIR=<report folder> -D MODE=clean|check -P reports.cmake
# clean: an empty report folder (the sanitizers write <DIR>/<asan|ubsan|tsan>.<pid> on a finding).
# check: prints every report and fails if there is any.
if(MODE STREQUAL "clean")
  file(REMOVE_RECURSE "${DIR}")
  file(MAKE_DIRECTORY "${DIR}")
  return()
endif()

file(GLOB _reports LIST_DIRECTORIES false "${DIR}/*")
list(SORT _reports)
foreach(_report IN LISTS _reports)
  file(READ "${_report}" _text)
  message("==== ${_report}\n${_text}")
endforeach()
list(LENGTH _reports _count)
if(_count GREATER 0)
  message(FATAL_ERROR "${_count} sanitizer report(s) in ${DIR}: see above")
endif()
message("No sanitizer reports in ${DIR}")

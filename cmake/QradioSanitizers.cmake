# SPDX-License-Identifier: MIT
# QRADIO_SANITIZE: which sanitizers every target of the project is built with.
#   OFF       none (the default)
#   address   AddressSanitizer + LeakSanitizer + UBSan; ON still means address
#   thread    ThreadSanitizer
# Included from the top-level CMakeLists.txt before any target exists: the flags are directory-wide,
# so libraries, resource object libraries, apps, examples and tests all get them, and none of them
# reach the installed package (they are not INTERFACE properties of exported targets).
# UBSan findings abort (-fno-sanitize-recover) so that they fail the test that hit them.
#
# qradio_sanitizer_environment(test... [WEBENGINE] [NO_LEAK_CHECK]) gives tests the runtime options:
# suppressions from tests/sanitizers/, leak detection, and a report folder. Every sanitized process
# of a test, those it starts included, writes its reports to ${QRADIO_SANITIZER_REPORT_DIR}; the
# fixture in tests/sanitizers/ empties it before the tests and, after them, prints every report and
# fails if there is one: a finding in a child process whose output or exit code no test reads still
# fails the run.
#   WEBENGINE      the test's processes host Qt WebEngine: Chromium inside libQt6WebEngineCore frees
#                  some of its own objects with a sized delete of the wrong size (all frames in
#                  Chromium), so these processes skip ASan's new-delete-type-mismatch check. Every
#                  other check stays on, and so does that one in every other test.
#   NO_LEAK_CHECK  no leak check (ASan's other checks and UBSan stay on); say why where it is used.

set(QRADIO_SANITIZE OFF CACHE STRING "Sanitizers: OFF, address (ASan + UBSan; ON means address) or thread (TSan)")
set_property(CACHE QRADIO_SANITIZE PROPERTY STRINGS OFF address thread)

string(TOLOWER "${QRADIO_SANITIZE}" _sanitize)
if(_sanitize MATCHES "^(|off|no|false|0|none)$")
  set(QRADIO_SANITIZER_KIND "")
elseif(_sanitize MATCHES "^(on|yes|true|1|address|asan)$")
  set(QRADIO_SANITIZER_KIND address)
elseif(_sanitize MATCHES "^(thread|tsan)$")
  set(QRADIO_SANITIZER_KIND thread)
else()
  message(FATAL_ERROR "QRADIO_SANITIZE=${QRADIO_SANITIZE}: use OFF, address (or ON) or thread")
endif()

set(QRADIO_SANITIZER_REPORT_DIR "${CMAKE_BINARY_DIR}/sanitizer-reports")
set(QRADIO_SANITIZER_SUPPRESSIONS_DIR "${CMAKE_CURRENT_LIST_DIR}/../tests/sanitizers")
cmake_path(NORMAL_PATH QRADIO_SANITIZER_SUPPRESSIONS_DIR)

if(QRADIO_SANITIZER_KIND STREQUAL "address")
  set(_flags -fsanitize=address,undefined -fno-sanitize-recover=undefined)
elseif(QRADIO_SANITIZER_KIND STREQUAL "thread")
  set(_flags -fsanitize=thread)
endif()
if(QRADIO_SANITIZER_KIND)
  add_compile_options(${_flags} -fno-omit-frame-pointer)
  add_link_options(${_flags})
  list(JOIN _flags " " _shown)
  message(STATUS "Sanitizers: ${QRADIO_SANITIZER_KIND} (${_shown})")
endif()
add_feature_info(Sanitizers QRADIO_SANITIZER_KIND "QRADIO_SANITIZE=${QRADIO_SANITIZE}")

function(qradio_sanitizer_environment)
  if(NOT QRADIO_SANITIZER_KIND)
    return()
  endif()
  cmake_parse_arguments(S "WEBENGINE;NO_LEAK_CHECK" "" "" ${ARGN})
  set(_supp "${QRADIO_SANITIZER_SUPPRESSIONS_DIR}")
  set(_report "${QRADIO_SANITIZER_REPORT_DIR}")
  # Tests whose measures a sanitizer distorts (resident memory) read QRADIO_SANITIZER.
  set(_env "QRADIO_SANITIZER=${QRADIO_SANITIZER_KIND}")
  if(QRADIO_SANITIZER_KIND STREQUAL "address")
    set(_asan "check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1")
    if(S_NO_LEAK_CHECK)
      string(APPEND _asan ":detect_leaks=0")
    else()
      string(APPEND _asan ":detect_leaks=1")
    endif()
    if(S_WEBENGINE)
      string(APPEND _asan ":new_delete_type_mismatch=0")
    endif()
    list(APPEND _env
         "ASAN_OPTIONS=${_asan}:log_path=${_report}/asan"
         "LSAN_OPTIONS=suppressions=${_supp}/lsan.supp:print_suppressions=0"
         "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=${_report}/ubsan")
  else()
    list(APPEND _env
         "TSAN_OPTIONS=suppressions=${_supp}/tsan.supp:print_suppressions=0:second_deadlock_stack=1:history_size=4:log_path=${_report}/tsan")
  endif()
  set_property(TEST ${S_UNPARSED_ARGUMENTS} APPEND PROPERTY ENVIRONMENT ${_env})
  set_property(TEST ${S_UNPARSED_ARGUMENTS} APPEND PROPERTY FIXTURES_REQUIRED qradio_sanitizer_reports)
endfunction()

# SPDX-License-Identifier: MIT
# qradio_set_warnings(target): the project's warning set; errors when QRADIO_WERROR is on (CI).
function(qradio_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local
                         -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual -Wformat=2
                         # designated initializers leave fields to their defaults; GCC 12 reports
                         # false maybe-uninitialized positives through std::optional
                         -Wno-missing-field-initializers -Wno-maybe-uninitialized)
  if(QRADIO_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# qradio_strict_strings(target): library code spells out every string conversion.
function(qradio_strict_strings target)
  target_compile_definitions(${target} PRIVATE QT_NO_CAST_FROM_ASCII QT_NO_NARROWING_CONVERSIONS_IN_CONNECT)
endfunction()

# Runs `lifecycle scenario SCRIPT` and checks it against the script's header:
#
#   # expect-exit: 2
#   # expect-stderr: bad/unknown_kind.scn:4: error: unknown event kind
#   # expect-stdout: got:      deal_hunter
#
# expect-exit is required (except in an empty file, which must exit 2); every expect-stdout / expect-stderr line must occur
# in that stream as written (a plain substring, not a pattern).
# Usage: cmake -DCLI=<lifecycle> -DSCRIPT=<file.scn> [-DEXTRA=<more.scn>] -P expect_exit.cmake
# (EXTRA files are run after SCRIPT in the same command; SCRIPT's header still decides.)

if(NOT CLI OR NOT SCRIPT)
  message(FATAL_ERROR "usage: cmake -DCLI=<lifecycle> -DSCRIPT=<file.scn> -P expect_exit.cmake")
endif()

file(STRINGS ${SCRIPT} header REGEX "^# expect-(exit|stdout|stderr): ")
set(want_exit "")
set(want_stdout "")
set(want_stderr "")
foreach(line IN LISTS header)
  if(line MATCHES "^# expect-exit: ([0-9]+)")
    set(want_exit ${CMAKE_MATCH_1})
  elseif(line MATCHES "^# expect-stdout: (.*)$")
    list(APPEND want_stdout "${CMAKE_MATCH_1}")
  elseif(line MATCHES "^# expect-stderr: (.*)$")
    list(APPEND want_stderr "${CMAKE_MATCH_1}")
  endif()
endforeach()
if(want_exit STREQUAL "")
  # Only a file with no header at all may go without one: an empty file, which
  # holds no scenario and so is malformed.
  file(SIZE ${SCRIPT} size)
  if(NOT size EQUAL 0)
    message(FATAL_ERROR "${SCRIPT}: no '# expect-exit: N' line in its header")
  endif()
  set(want_exit 2)
  list(APPEND want_stderr "${SCRIPT}:1: error: no scenario in the file")
endif()

# The run and the checks are the CLI tests' (substrings of stdout and stderr).
set(ARGS "scenario|${SCRIPT}")
if(EXTRA)
  string(APPEND ARGS "|${EXTRA}")
endif()
set(EXIT ${want_exit})
string(JOIN "|" STDOUT ${want_stdout})
string(JOIN "|" STDERR ${want_stderr})
include(${CMAKE_CURRENT_LIST_DIR}/../cli/expect_run.cmake)

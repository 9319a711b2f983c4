# Runs the `lifecycle` tool and checks its exit status, output and files.
#
#   cmake -DCLI=<lifecycle> -DARGS="fit|data/x.csv|--calibration-end|2024-01-31" -DEXIT=2
#         [-DSTDOUT="text|more text"] [-DSTDERR="text"] [-DFILES="out.json|out.svg"]
#         [-DFILE_TEXT="text in every file|..."] [-DFILE_LACKS="text in no file|..."] -P expect_run.cmake
#
# Lists are separated by `|`. Every STDOUT / STDERR entry must occur in that
# stream as written (a substring, not a pattern); every FILES entry must exist
# afterwards (it is removed first), hold every FILE_TEXT entry and no
# FILE_LACKS entry. In FILE_TEXT and FILE_LACKS, `\n` stands for a line end.

if(NOT CLI OR NOT DEFINED EXIT)
  message(FATAL_ERROR "usage: cmake -DCLI=<lifecycle> -DARGS=... -DEXIT=N -P expect_run.cmake")
endif()
string(REPLACE "|" ";" args "${ARGS}")
string(REPLACE "|" ";" want_stdout "${STDOUT}")
string(REPLACE "|" ";" want_stderr "${STDERR}")
string(REPLACE "|" ";" files "${FILES}")
string(REPLACE "|" ";" file_text "${FILE_TEXT}")
string(REPLACE "\\n" "\n" file_text "${file_text}")
string(REPLACE "|" ";" file_lacks "${FILE_LACKS}")
string(REPLACE "\\n" "\n" file_lacks "${file_lacks}")

foreach(f IN LISTS files)
  file(REMOVE ${f})
endforeach()
execute_process(COMMAND ${CLI} ${args} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}")
message("${err}")

set(problems "")
if(NOT code STREQUAL EXIT)
  string(APPEND problems "exit status ${code}, expected ${EXIT}\n")
endif()
foreach(text IN LISTS want_stdout)
  string(FIND "${out}" "${text}" at)
  if(at EQUAL -1)
    string(APPEND problems "stdout lacks: ${text}\n")
  endif()
endforeach()
foreach(text IN LISTS want_stderr)
  string(FIND "${err}" "${text}" at)
  if(at EQUAL -1)
    string(APPEND problems "stderr lacks: ${text}\n")
  endif()
endforeach()
foreach(f IN LISTS files)
  if(NOT EXISTS ${f})
    string(APPEND problems "no file ${f}\n")
  else()
    file(READ ${f} content)
    foreach(text IN LISTS file_text)
      string(FIND "${content}" "${text}" at)
      if(at EQUAL -1)
        string(APPEND problems "${f} lacks: ${text}\n")
      endif()
    endforeach()
    foreach(text IN LISTS file_lacks)
      string(FIND "${content}" "${text}" at)
      if(NOT at EQUAL -1)
        string(APPEND problems "${f} holds: ${text}\n")
      endif()
    endforeach()
  endif()
endforeach()
if(problems)
  message(FATAL_ERROR "lifecycle ${ARGS}:\n${problems}")
endif()

# Fails unless the file CODE appears, verbatim, in the page PAGE.
file(READ ${PAGE} page)
file(READ ${CODE} code)
string(FIND "${page}" "${code}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${PAGE} does not quote ${CODE} verbatim: update the page")
endif()

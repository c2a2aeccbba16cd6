# Concatenates the ordered sql/NN_*.sql sources into the extension's install script.
# Called by the build as: cmake -DOUTPUT=<file> -DSQL_DIR=<dir> -P assemble.cmake
file(GLOB INPUTS "${SQL_DIR}/[0-9]*.sql")
list(SORT INPUTS)
set(text "-- pg_commerce install script, assembled from sql/*.sql: edit those files, not this one\n")
string(APPEND text "\\echo Use \"CREATE EXTENSION pg_commerce\" to load this file. \\quit\n")
foreach(f IN LISTS INPUTS)
  get_filename_component(name "${f}" NAME)
  file(READ "${f}" body)
  string(APPEND text "\n-- ==== ${name} ====\n${body}")
endforeach()
file(WRITE "${OUTPUT}.tmp" "${text}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")

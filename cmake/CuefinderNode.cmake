# cf_node_executable(target): an executable that runs under Node when built with Emscripten
# (tests, benchmarks, the CLI core): real file-system access (NODERAWFS), growable memory,
# exceptions, and the fetch fix for emscripten 3.1.6 under Node 20. No-op for native builds.
function(cf_node_executable target)
  if(CF_WASM)
    target_link_options(${target} PRIVATE
      -sENVIRONMENT=node -sEXIT_RUNTIME=1 -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=4GB -sNODERAWFS=1
      "--pre-js=${PROJECT_SOURCE_DIR}/src/platform/web/node_fetch_fix.js"
      $<$<BOOL:${CF_THREADS}>:-sPTHREAD_POOL_SIZE=2> $<$<BOOL:${CF_THREADS}>:-Wno-pthreads-mem-growth>)
  endif()
endfunction()

# The include boundary: a library's users see include/ (the public API) only; the sources of
# the libraries, and the white-box tests, benchmarks and fuzz targets (which link
# tg_internal), also see src/. So a front end that includes "src/..." does not compile.
add_library(tg_internal INTERFACE)
target_include_directories(tg_internal INTERFACE ${PROJECT_SOURCE_DIR})

# tg_library(NAME SOURCES ... DEPS ...): one subsystem, one static library.
function(tg_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/include
                             PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE tg_warnings)
endfunction()

# tg_add_test(NAME SOURCES ... DEPS ...): a GoogleTest binary whose tests ctest lists one by one;
# nothing when the tests are not built.
function(tg_add_test name)
  if(NOT TG_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} tg_internal GTest::gtest GTest::gmock
                        GTest::gtest_main tg_warnings)
  gtest_discover_tests(${name} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                       PROPERTIES ENVIRONMENT "TIERGUARD_HOME=${PROJECT_SOURCE_DIR}"
                       DISCOVERY_TIMEOUT 60)
endfunction()

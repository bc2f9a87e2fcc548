# Helpers shared by every folder's CMakeLists.txt.
#
# immu_library(NAME name DEPS ...): a static library from every *.cc in the
# current folder except *_test.cc and *_main.cc. DEPS are the only libraries
# of ours it may use; the one-way dependency rule of DEVELOPERS.md is enforced
# by listing them here and nowhere else.
#
# immu_tests(NAME name DEPS ...): one doctest executable from every *_test.cc
# in the folder, registered with ctest test by test.
include_guard(GLOBAL)

function(immu_library)
  cmake_parse_arguments(ARG "" "NAME" "DEPS;EXTERNAL" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  list(FILTER srcs EXCLUDE REGEX "_(test|main)\\.cc$")
  if(NOT srcs)
    # A folder whose code is still headers only (or not written yet).
    add_library(${ARG_NAME} INTERFACE)
    target_include_directories(${ARG_NAME} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(${ARG_NAME} INTERFACE ${ARG_DEPS} ${ARG_EXTERNAL})
    return()
  endif()
  add_library(${ARG_NAME} STATIC ${srcs})
  target_include_directories(${ARG_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${ARG_NAME} PUBLIC ${ARG_DEPS} ${ARG_EXTERNAL})
endfunction()

function(immu_tests)
  cmake_parse_arguments(ARG "" "NAME" "DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  if(NOT srcs)
    return()
  endif()
  add_executable(${ARG_NAME} ${PROJECT_SOURCE_DIR}/cmake/doctest_main.cc ${srcs})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} doctest::doctest Threads::Threads)
  set_target_properties(${ARG_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  doctest_discover_tests(${ARG_NAME} WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
endfunction()

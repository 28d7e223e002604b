# Compiler settings shared by every target: ccache, warnings, sanitizers.
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_C_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()

add_library(cocoon_options INTERFACE)
target_compile_options(cocoon_options INTERFACE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 misreports Asio's coroutine frame allocator (operator new/delete
  # pairs it cannot see through) as mismatched; the warning is a false positive.
  target_compile_options(cocoon_options INTERFACE -Wno-mismatched-new-delete)
endif()
if(COCOON_WERROR)
  target_compile_options(cocoon_options INTERFACE -Werror)
endif()
# Asio is compiled once (src/util/asio_impl.cpp), not in every file.
target_compile_definitions(cocoon_options INTERFACE
  BOOST_ASIO_SEPARATE_COMPILATION
  BOOST_ASIO_NO_DEPRECATED BOOST_ASIO_DISABLE_BOOST_COROUTINE)

if(COCOON_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
if(COCOON_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "COCOON_FUZZ needs clang: configure with -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14")
  endif()
  # No -g: clang 14 fails on coroutines with debug info under sanitizers
  # ("cannot represent a difference across sections").
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -g0)
  add_link_options(-fsanitize=address,undefined)
endif()

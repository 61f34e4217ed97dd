# Sanitizer build mode (docs/testing.md): -DKMS_SANITIZE=ON builds the host, the SDK, the
# modules and the tests with AddressSanitizer + UndefinedBehaviorSanitizer (LeakSanitizer runs
# at exit). Any report fails the run: UBSan does not recover, ASan and LSan exit non-zero.
# -DKMS_FUZZ=ON (clang only) adds the coverage instrumentation of libFuzzer to every library
# and builds the targets of tests/fuzz; scripts/fuzz.sh configures such a build (build-fuzz).
option(KMS_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(KMS_FUZZ "Build the libFuzzer targets of tests/fuzz (clang; implies KMS_SANITIZE)" OFF)
if(KMS_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "KMS_FUZZ needs clang (libFuzzer): configure with "
                        "-DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14, "
                        "or use scripts/fuzz.sh")
  endif()
  set(KMS_SANITIZE ON CACHE BOOL "" FORCE)
endif()
if(KMS_SANITIZE)
  set(kms_sanitize_flags -fsanitize=address,undefined -fno-sanitize-recover=undefined
      -fno-omit-frame-pointer)
  # Modules are loaded with dlopen and GStreamer calls back into them: UBSan's vptr check
  # needs the type information of every object it sees, which C callers do not give.
  list(APPEND kms_sanitize_flags -fno-sanitize=vptr)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # UB in headers of other projects (RapidJSON), each entry explained in the file.
    list(APPEND kms_sanitize_flags
         -fsanitize-ignorelist=${CMAKE_CURRENT_LIST_DIR}/../tests/sanitizers/ubsan-ignore.txt)
  else()
    # g++ has no ignore list: its pointer-overflow check would stop at RapidJSON's (see there).
    list(APPEND kms_sanitize_flags -fno-sanitize=pointer-overflow)
  endif()
  if(KMS_FUZZ)
    list(APPEND kms_sanitize_flags -fsanitize=fuzzer-no-link)
  endif()
  add_compile_options(${kms_sanitize_flags})
  add_link_options(-fsanitize=address,undefined)
  # Modules link with --no-undefined: the sanitizer runtime is in the executable, not in them.
  set(KMS_MODULE_LINK_OPTIONS -Wl,-z,undefs)
endif()

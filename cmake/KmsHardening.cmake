# Debian's hardening flags on every target: fortify, stack protector, format checks,
# position-independent code everywhere (PIE executables), full RELRO and immediate binding.
include(CheckPIESupported)
check_pie_supported()
set(CMAKE_POSITION_INDEPENDENT_CODE ON)
add_compile_options(-fstack-protector-strong -Wformat -Werror=format-security -fPIC -Wall -Wextra)
# Not in sanitizer builds (cmake/KmsSanitize.cmake): fortified memcpy & co. hide from ASan.
if(NOT KMS_SANITIZE AND NOT KMS_FUZZ)
  add_compile_options(-D_FORTIFY_SOURCE=2)
endif()
add_link_options(-Wl,-z,relro -Wl,-z,now)
# Modules must not resolve undefined symbols lazily at load time.
set(KMS_MODULE_LINK_OPTIONS -Wl,--no-undefined)

# Debian 12 packages only; see README for the apt-get line.
find_package(PkgConfig REQUIRED)
pkg_check_modules(GST REQUIRED IMPORTED_TARGET gstreamer-1.0>=1.22 gstreamer-base-1.0)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options filesystem)
find_package(RapidJSON REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(Threads REQUIRED)

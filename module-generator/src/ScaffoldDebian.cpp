// The debian/ folder `--scaffold` writes: `dpkg-buildpackage -b` builds the module into a .deb
// (kms-<module>: what `cmake --install` installs, i.e. the module, its IDL and its headers)
// against the installed kms-sdk-dev. The package depends on kms-module-abi-<N>,
// N read from the SDK (pkg-config kms-sdk, variable moduleabi) when the package is built, so
// that apt installs it only next to a kurento-media-server whose loader accepts that ABI.
#include "ScaffoldTemplates.hpp"

namespace kmsidl::templates {

const char* const kDebianControl = R"(Source: kms-@package@
Section: video
Priority: optional
Maintainer: @module@ maintainers <@package@@example.org>
Build-Depends: debhelper-compat (= 13), cmake, pkg-config, kms-sdk-dev
Standards-Version: 4.6.2
Rules-Requires-Root: no

Package: kms-@package@
Architecture: any
Depends: ${shlibs:Depends}, ${misc:Depends}, kms-module-abi-${kms:ModuleAbi}, @moduleDepends@
Description: @module@ module for kurento-media-server
 The kurento-media-server module @module@, with the filter @Class@:
 @kind@.
 .
 It is installed into the server's modules folder and loaded at start-up. It
 depends on kms-module-abi-${kms:ModuleAbi}, the module ABI it was built for:
 apt installs it only next to a kurento-media-server that loads that ABI.
)";

const char* const kDebianRules = R"(#!/usr/bin/make -f
# Builds kms-@package@ against the installed kms-sdk-dev, with Debian's hardening flags.
export DEB_BUILD_MAINT_OPTIONS = hardening=+all
export DEB_CFLAGS_MAINT_APPEND = -fstack-clash-protection -fcf-protection
export DEB_CXXFLAGS_MAINT_APPEND = -fstack-clash-protection -fcf-protection
include /usr/share/dpkg/architecture.mk

# The module ABI of the installed SDK: the package depends on kms-module-abi-$(KMS_MODULE_ABI).
KMS_MODULE_ABI := $(shell pkg-config --variable=moduleabi kms-sdk)
ifeq ($(KMS_MODULE_ABI),)
  $(error pkg-config kms-sdk gives no moduleabi: install kms-sdk-dev)
endif
KMS_MODULES_DIR := /usr/lib/$(DEB_HOST_MULTIARCH)/kurento/modules

%:
	dh $@ --buildsystem=cmake

# Installed next to the server's modules, the module finds the SDK and the modules it extends
# through $ORIGIN: no absolute RUNPATH.
override_dh_auto_configure:
	dh_auto_configure -- -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKMS_SDK_RPATH=

# The modules it links (libkmscore.so, ...) are in the server's modules folder.
override_dh_shlibdeps:
	dh_shlibdeps -l$(KMS_MODULES_DIR)

override_dh_gencontrol:
	dh_gencontrol -- -Vkms:ModuleAbi=$(KMS_MODULE_ABI)
)";

const char* const kDebianChangelog = R"(kms-@package@ (0.1.0) bookworm; urgency=medium

  * First release, scaffolded by kurento-module-creator.

 -- @module@ maintainers <@package@@example.org>  @date@
)";

const char* const kDebianCopyright = R"(Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: kms-@package@

Files: *
Copyright: @year@ @module@ maintainers
License: other
 Write the license of the module here.
)";

const char* const kDebianSourceFormat = "3.0 (native)\n";

}  // namespace kmsidl::templates

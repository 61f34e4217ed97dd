// The filters module's start-up: GStreamerFilter.conf.ini is read once here, so that a wrong
// value stops the server at start with the file and the key.
#include "gstreamer/ElementPolicy.hpp"

#include <kms/sdk/ServerContext.hpp>

namespace kurento {

void filtersModuleInit(kms::ServerContext& context) {
  filters::setElementPolicy(
      filters::ElementPolicy::fromConfig(context.classConfig("GStreamerFilter")));
}

}  // namespace kurento

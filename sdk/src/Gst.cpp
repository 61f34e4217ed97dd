#include <kms/sdk/Gst.hpp>

namespace kms {

GstDebugCategory* debugCategory(const char* name, const char* description) {
  return _gst_debug_category_new(name, 0, description);
}

}  // namespace kms

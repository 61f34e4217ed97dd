// Filter: an abstract level of the class tree that adds no behaviour of its own here;
// its concrete subclasses live in the elements and filters modules.
#pragma once

#include "FilterBase.hpp"

namespace kurento {

class FilterImpl : public FilterBase {
 public:
  using FilterBase::FilterBase;
};

}  // namespace kurento

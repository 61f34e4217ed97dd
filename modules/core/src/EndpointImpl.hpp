// Endpoint: an abstract level of the class tree that adds no behaviour of its own here;
// its concrete subclasses live in the elements and filters modules.
#pragma once

#include "EndpointBase.hpp"

namespace kurento {

class EndpointImpl : public EndpointBase {
 public:
  using EndpointBase::EndpointBase;
};

}  // namespace kurento

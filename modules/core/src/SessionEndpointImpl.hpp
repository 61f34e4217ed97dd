// SessionEndpoint: an abstract level of the class tree that adds no behaviour of its own here;
// its concrete subclasses live in the elements and filters modules.
#pragma once

#include "SessionEndpointBase.hpp"

namespace kurento {

class SessionEndpointImpl : public SessionEndpointBase {
 public:
  using SessionEndpointBase::SessionEndpointBase;
};

}  // namespace kurento

// Thing of the generator's sample module: a label and a serial number.
#pragma once

#include "ThingBase.hpp"

namespace sample {

class ThingImpl : public ThingBase {
 public:
  explicit ThingImpl(int64_t serial) : serial_(serial) {}

  std::string getLabel() override { return label_; }
  void setLabel(const std::string& label) override { label_ = label; }
  int64_t getSerial() override { return serial_; }
  std::string describe() override { return "thing " + label_; }

 private:
  std::string label_;
  int64_t serial_;
};

}  // namespace sample

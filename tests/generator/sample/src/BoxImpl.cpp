#include "BoxImpl.hpp"

#include <kms/sdk/ServerContext.hpp>

namespace sample {

BoxImpl::BoxImpl(const int32_t& size, const Color& color,
                 const std::optional<std::shared_ptr<ThingImpl>>& owner,
                 const std::shared_ptr<Settings>& config)
    : BoxBase(int64_t{1000} + size),
      size_(size),
      color_(color),
      owner_(owner.value_or(nullptr)),
      config_(config) {}

std::string BoxImpl::describe() {
  return "box " + std::to_string(size_) + " " + toString(color_) +
         (owner_ ? " of " + owner_->id() : std::string());
}

std::vector<std::shared_ptr<Pair>> BoxImpl::getTags() {
  auto pair = std::make_shared<Pair>();
  pair->key = "size";
  pair->value = size_;
  auto named = std::make_shared<NamedPair>();
  named->key = "color";
  named->name = toString(color_);
  return {pair, named};
}

int32_t BoxImpl::add(const int32_t& delete_, const int32_t& default_) { return delete_ + default_; }

std::string BoxImpl::paint(const std::vector<Color>& colors,
                           const std::optional<std::map<std::string, double>>& weights) {
  std::string text;
  for (Color color : colors) {
    text += std::string(toString(color)) + ";";
  }
  if (weights) {
    for (const auto& [key, weight] : *weights) {
      text += key + "=" + std::to_string(weight) + ";";
    }
  }
  return text;
}

std::vector<std::shared_ptr<ThingImpl>> BoxImpl::contents() {
  if (owner_) {
    return {owner_};
  }
  return {};
}

void BoxImpl::adopt(const std::shared_ptr<kms::RemoteObject>& other) { adopted_ = other; }

void BoxImpl::open(const std::optional<std::string>& note) {
  Ping ping;
  ping.count = ++opened_;
  raisePing(ping);
  Opened event;
  event.count = opened_;
  event.by = std::static_pointer_cast<ThingImpl>(shared_from_this());
  event.color = color_;
  event.note = note;
  raiseOpened(event);
}

// The module's init hook (found by the generated descriptor through a weak declaration).
int sampleModuleInitCalls = 0;

void sampleModuleInit(kms::ServerContext&) { ++sampleModuleInitCalls; }

}  // namespace sample

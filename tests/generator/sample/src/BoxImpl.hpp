// Box of the generator's sample module: exercises every kind of generated marshalling.
#pragma once

#include "BoxBase.hpp"

namespace sample {

class BoxImpl : public BoxBase {
 public:
  BoxImpl(const int32_t& size, const Color& color,
          const std::optional<std::shared_ptr<ThingImpl>>& owner,
          const std::shared_ptr<Settings>& config);

  std::string describe() override;
  std::vector<std::shared_ptr<Pair>> getTags() override;
  double getRatio() override { return ratio_; }
  void setRatio(const double& ratio) override { ratio_ = ratio; }
  std::shared_ptr<Settings> getConfig() override { return config_; }
  int32_t add(const int32_t& delete_, const int32_t& default_) override;
  std::string paint(const std::vector<Color>& colors,
                    const std::optional<std::map<std::string, double>>& weights) override;
  std::vector<std::shared_ptr<ThingImpl>> contents() override;
  void adopt(const std::shared_ptr<kms::RemoteObject>& other) override;
  void open(const std::optional<std::string>& note) override;

  std::shared_ptr<kms::RemoteObject> adopted() const { return adopted_; }

 private:
  int32_t size_;
  Color color_;
  std::shared_ptr<ThingImpl> owner_;
  std::shared_ptr<Settings> config_;
  double ratio_ = 1.0;
  int32_t opened_ = 0;
  std::shared_ptr<kms::RemoteObject> adopted_;
};

}  // namespace sample

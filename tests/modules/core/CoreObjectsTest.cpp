// MediaObject, MediaPipeline and ServerManager behaviour, in-process with real GStreamer.
#include "MediaPipelineImpl.hpp"
#include "ServerManagerImpl.hpp"
#include "TestContext.hpp"

#include <gtest/gtest.h>

namespace kurento {
void coreModuleInit(kms::ServerContext& context);

namespace {

class CoreObjectsTest : public ::testing::Test {
 protected:
  kms::test::TestContext context_;
};

TEST_F(CoreObjectsTest, NameDefaultsToIdAndCanBeSet) {
  auto pipeline = context_.add(std::make_shared<MediaPipelineImpl>(), "p_kurento.MediaPipeline");
  EXPECT_EQ(pipeline->getName(), "p_kurento.MediaPipeline");
  pipeline->setName("room");
  EXPECT_EQ(pipeline->getName(), "room");
  EXPECT_EQ(pipeline->getId(), "p_kurento.MediaPipeline");
  EXPECT_EQ(pipeline->getMediaPipeline(), pipeline);
  EXPECT_EQ(pipeline->getParent(), nullptr);
}

TEST_F(CoreObjectsTest, TagsAreKeptAndSentWithEventsOnlyWhenAsked) {
  auto pipeline = context_.add(std::make_shared<MediaPipelineImpl>(), "p_kurento.MediaPipeline");
  pipeline->addTag("room", "blue");
  pipeline->addTag("floor", "2");
  EXPECT_EQ(pipeline->getTag("room"), "blue");
  auto tags = pipeline->getTags();
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags[0]->key, "floor");
  EXPECT_TRUE(pipeline->eventTags().empty());
  pipeline->setSendTagsInEvents(true);
  EXPECT_EQ(pipeline->eventTags().size(), 2u);
  pipeline->removeTag("floor");
  try {
    pipeline->getTag("floor");
    FAIL() << "a removed tag must not be found";
  } catch (const kms::KurentoException& error) {
    EXPECT_EQ(error.code(), kms::ErrorCode::kMediaObjectTagKeyNotFound);
  }
}

TEST_F(CoreObjectsTest, InvokeDispatchesThroughTheGeneratedCode) {
  auto pipeline = context_.add(std::make_shared<MediaPipelineImpl>(), "p_kurento.MediaPipeline");
  kms::JsonDocument params;
  params.Parse(R"({"name":"via-invoke"})");
  kms::JsonDocument result;
  kms::Json value;
  ASSERT_TRUE(pipeline->invoke("setName", params, value, result.GetAllocator()));
  params.Parse("{}");
  ASSERT_TRUE(pipeline->invoke("getName", params, value, result.GetAllocator()));
  ASSERT_TRUE(value.IsString());
  EXPECT_STREQ(value.GetString(), "via-invoke");
  EXPECT_FALSE(pipeline->invoke("noSuchOperation", params, value, result.GetAllocator()));
  params.Parse(R"({"name":42})");
  EXPECT_THROW(pipeline->invoke("setName", params, value, result.GetAllocator()),
               kms::KurentoException);
  EXPECT_TRUE(pipeline->hasEvent("Error"));
  EXPECT_FALSE(pipeline->hasEvent("ElementConnected"));
  EXPECT_STREQ(pipeline->qualifiedTypeName(), "kurento.MediaPipeline");
  EXPECT_EQ(pipeline->hierarchy(), std::vector<std::string>{"kurento.MediaObject"});
}

TEST_F(CoreObjectsTest, PipelineDotShowsTheGraph) {
  auto pipeline = context_.add(std::make_shared<MediaPipelineImpl>(), "p_kurento.MediaPipeline");
  EXPECT_NE(pipeline->getGstreamerDot(std::nullopt).find("digraph"), std::string::npos);
  pipeline->setLatencyStats(true);
  EXPECT_TRUE(pipeline->getLatencyStats());
}

TEST_F(CoreObjectsTest, ServerManagerReportsAndRaisesLifecycleEvents) {
  coreModuleInit(context_);
  auto manager = std::dynamic_pointer_cast<ServerManagerImpl>(
      context_.findObject(ServerManagerImpl::kObjectId));
  ASSERT_NE(manager, nullptr);
  EXPECT_EQ(manager->getInfo()->version, "7.3.0");
  EXPECT_EQ(manager->getInfo()->capabilities, std::vector<std::string>{"transactions"});
  EXPECT_GE(manager->getCpuCount(), 1);
  EXPECT_GT(manager->getUsedMemory(), 0);
  const double cpu = manager->getUsedCpu(50);
  EXPECT_GE(cpu, 0.0);
  EXPECT_LE(cpu, 100.0);
  EXPECT_THROW(manager->getUsedCpu(0), kms::KurentoException);

  auto pipeline = context_.add(std::make_shared<MediaPipelineImpl>(), "p_kurento.MediaPipeline");
  manager->onObjectLifecycle(*pipeline, true);
  EXPECT_NE(context_.waitForEvent(manager->id(), "ObjectCreated", "p_kurento.MediaPipeline", 100),
            "");
  EXPECT_EQ(manager->getPipelines().size(), 1u);
  manager->onObjectLifecycle(*pipeline, false);
  EXPECT_NE(context_.waitForEvent(manager->id(), "ObjectDestroyed", "p_kurento.MediaPipeline",
                                  100),
            "");
}

}  // namespace
}  // namespace kurento

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

// The generated C++ client (core + elements, generated at build time) against the real
// server: ServerManager, a pipeline's whole lifecycle, events, errors and the connection.
#include "TestServer.hpp"

#include <elementsClient.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace {

using kms::client::Connection;
using kms::client::Error;
namespace kc = kurento::client;

constexpr auto kEventTimeout = std::chrono::seconds(10);

// Collects events from the event thread; waitFor() blocks until `count` arrived.
template <class Event>
class EventLog {
 public:
  std::function<void(const Event&)> handler() {
    return [this](const Event& event) {
      std::lock_guard<std::mutex> lock(mutex_);
      events_.push_back(event);
      changed_.notify_all();
    };
  }
  std::vector<Event> waitFor(size_t count) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, kEventTimeout, [&] { return events_.size() >= count; });
    return events_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Event> events_;
};

// Expects `call` to throw kms::client::Error with `code`; returns it.
template <class Call>
Error expectError(int code, Call call) {
  try {
    call();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), code) << error.what();
    return error;
  }
  ADD_FAILURE() << "no kms::client::Error thrown";
  return Error(0, "");
}

class ClientTest : public testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<kms::test::TestServer>(); }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override { connection_ = Connection::connect(server_->url()); }
  void TearDown() override {
    connection_->close();
    if (HasFailure()) {
      std::cerr << "server output:\n" << server_->output();
    }
  }

  static std::unique_ptr<kms::test::TestServer> server_;
  std::shared_ptr<Connection> connection_;
};

std::unique_ptr<kms::test::TestServer> ClientTest::server_;

TEST_F(ClientTest, ServerManagerReportsInfoAndSession) {
  auto manager = std::make_shared<kc::ServerManager>(connection_, "manager_ServerManager");
  const std::shared_ptr<kc::ServerInfo> info = manager->getInfo();
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->version, "7.3.0");
  std::vector<std::string> names;
  for (const auto& module : info->modules) {
    names.push_back(module->name);
  }
  EXPECT_NE(std::find(names.begin(), names.end(), "core"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "elements"), names.end());
  EXPECT_FALSE(connection_->sessionId().empty());
  EXPECT_GT(manager->getCpuCount(), 0);
}

TEST_F(ClientTest, PipelineLifecycle) {
  auto pipeline = kc::MediaPipeline::create(connection_);
  EXPECT_NE(pipeline->id().find("kurento.MediaPipeline"), std::string::npos);
  auto source = kc::PassThrough::create(connection_, pipeline);
  auto sink = kc::PassThrough::create(connection_, pipeline);
  EXPECT_EQ(source->id().rfind(pipeline->id() + "/", 0), 0u) << source->id();
  EXPECT_EQ(source->getMediaPipeline()->id(), pipeline->id());
  EXPECT_EQ(pipeline->getChildren().size(), 2u);

  // Name and tags.
  source->setName("source");
  EXPECT_EQ(source->getName(), "source");
  source->addTag("room", "42");
  EXPECT_EQ(source->getTag("room"), "42");
  const auto tags = source->getTags();
  ASSERT_EQ(tags.size(), 1u);
  EXPECT_EQ(tags[0]->key, "room");
  EXPECT_EQ(tags[0]->value, "42");

  // An event that fires: ElementConnected on the source, once per linked media type.
  EventLog<kc::ElementConnectedEvent> connected;
  const std::string subscription = source->subscribeElementConnected(connected.handler());
  EXPECT_FALSE(subscription.empty());
  source->connect(sink);
  const auto events = connected.waitFor(2);
  ASSERT_GE(events.size(), 2u);
  std::vector<kc::MediaType> types;
  for (const auto& event : events) {
    ASSERT_NE(event.sink, nullptr);
    EXPECT_EQ(event.sink->id(), sink->id());
    ASSERT_NE(event.source, nullptr);
    EXPECT_EQ(event.source->id(), source->id());
    EXPECT_EQ(event.type, "ElementConnected");
    EXPECT_FALSE(event.timestampMillis.empty());
    types.push_back(event.mediaType);
  }
  for (auto type : {kc::MediaType::AUDIO, kc::MediaType::VIDEO}) {
    EXPECT_NE(std::find(types.begin(), types.end(), type), types.end()) << kc::toString(type);
  }
  source->unsubscribeElementConnected(subscription);

  // Connections, with and without a media type filter.
  const auto sinkConnections = source->getSinkConnections();
  EXPECT_EQ(sinkConnections.size(), events.size());
  for (const auto& connection : sinkConnections) {
    EXPECT_EQ(connection->source->id(), source->id());
    EXPECT_EQ(connection->sink->id(), sink->id());
  }
  const auto video = sink->getSourceConnections(kc::MediaType::VIDEO);
  ASSERT_EQ(video.size(), 1u);
  EXPECT_EQ(video[0]->type, kc::MediaType::VIDEO);
  EXPECT_EQ(video[0]->source->id(), source->id());
  EXPECT_TRUE(sink->getSinkConnections().empty());

  // A released object is gone: MEDIA_OBJECT_NOT_FOUND with code, message and data.
  sink->release();
  const Error error = expectError(40101, [&] { sink->getName(); });
  EXPECT_EQ(error.type(), "MEDIA_OBJECT_NOT_FOUND");
  EXPECT_FALSE(error.message().empty());
  EXPECT_TRUE(source->getSinkConnections().empty());

  // Releasing the pipeline releases its children.
  pipeline->release();
  expectError(40101, [&] { source->getName(); });
  expectError(40101, [&] { pipeline->getChildren(); });
}

TEST_F(ClientTest, EventCallbacksMayCallTheServer) {
  auto pipeline = kc::MediaPipeline::create(connection_);
  auto source = kc::PassThrough::create(connection_, pipeline);
  auto sink = kc::PassThrough::create(connection_, pipeline);
  sink->setName("the sink");
  EventLog<std::string> names;
  auto record = names.handler();
  source->subscribeElementConnected(
      [record](const kc::ElementConnectedEvent& event) { record(event.sink->getName()); });
  source->connect(sink, kc::MediaType::VIDEO);
  const auto seen = names.waitFor(1);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], "the sink");
  pipeline->release();
}

TEST_F(ClientTest, ServerErrorsBecomeTypedExceptions) {
  auto pipeline = kc::MediaPipeline::create(connection_);
  // Unknown object ids, as the target of an operation and as a constructor param.
  kc::PassThrough unknown(connection_, "no-such-object");
  expectError(40101, [&] { unknown.getName(); });
  expectError(40101, [&] {
    kc::PassThrough::create(connection_, std::make_shared<kc::MediaPipeline>(connection_, "nope"));
  });
  pipeline->release();
}

TEST_F(ClientTest, EnumsConvertBothWays) {
  EXPECT_STREQ(kc::toString(kc::MediaType::VIDEO), "VIDEO");
  EXPECT_EQ(kc::MediaTypeFromString("AUDIO"), kc::MediaType::AUDIO);
  expectError(kms::client::errors::kMarshallError, [] { kc::MediaTypeFromString("SMELL"); });
}

TEST_F(ClientTest, ClosedConnectionFailsCalls) {
  auto pipeline = kc::MediaPipeline::create(connection_);
  connection_->close();
  EXPECT_FALSE(connection_->isOpen());
  expectError(kms::client::errors::kConnectionClosed, [&] { pipeline->getName(); });
}

TEST(ClientConnectTest, UnreachableServerFailsToConnect) {
  kms::client::ConnectionOptions options;
  options.connectTimeoutMs = std::chrono::milliseconds(2000);
  expectError(kms::client::errors::kConnectFailed,
              [&] { Connection::connect("ws://127.0.0.1:1/kurento", options); });
  expectError(kms::client::errors::kConnectFailed, [] { Connection::connect("http://x/"); });
}

}  // namespace

// The sample module (sample/sample.kmd.json), generated at build time and linked in: the
// descriptor, factories with defaults, invoke dispatch and marshalling errors, events.
#include "BoxImpl.hpp"
#include "sampleTypes.hpp"

#include <kms/sdk/Module.hpp>
#include <kms/sdk/ServerContext.hpp>

#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fstream>
#include <sstream>

extern "C" const kms::ModuleDescriptor* kms_module_descriptor();

namespace sample {
extern int sampleModuleInitCalls;
}

namespace {

std::string toText(const kms::Json& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return buffer.GetString();
}

// Just enough of a host: an object table and an event log.
class SampleContext : public kms::ServerContext {
 public:
  kms::RemoteObjectPtr findObject(const std::string& id) const override {
    auto it = objects.find(id);
    if (it == objects.end()) {
      throw kms::KurentoException(kms::ErrorCode::kMediaObjectNotFound, "no object " + id);
    }
    return it->second;
  }
  std::vector<kms::RemoteObjectPtr> children(const kms::RemoteObject&) const override { return {}; }
  std::vector<kms::RemoteObjectPtr> objectsOfType(const std::string&) const override { return {}; }
  void registerSingleton(kms::RemoteObjectPtr object, const std::string& id) override {
    add(object, id);
  }
  void emitEvent(const kms::RemoteObject& source, const std::string& type,
                 kms::JsonDocument data) override {
    events.push_back(source.id() + " " + type + " " + toText(data));
  }
  void addObjectObserver(ObjectObserver) override {}
  const kms::ClassConfig& classConfig(const std::string&) const override { return config_; }
  std::vector<std::string> sessionIds() const override { return {}; }
  std::vector<kms::ModuleSummary> modules() const override { return {}; }
  std::string moduleKmd(const std::string&) const override { return ""; }
  std::string serverVersion() const override { return "7.3.0"; }
  std::string metadata() const override { return ""; }
  // No HTTP listener in these tests: uploads are exercised against the real server.
  std::string registerHttpUpload(std::weak_ptr<kms::HttpUploadHandler>) override { return ""; }
  void unregisterHttpUpload(const std::string&) override {}
  uint16_t httpPort() const override { return 0; }

  void add(const kms::RemoteObjectPtr& object, const std::string& id) {
    object->assignId(id);
    objects[id] = object;
  }

  std::map<std::string, kms::RemoteObjectPtr> objects;
  std::vector<std::string> events;

 private:
  kms::ClassConfig config_;
};

class SampleModuleTest : public ::testing::Test {
 protected:
  void SetUp() override { kms::setServerContext(&context_); }
  void TearDown() override { kms::setServerContext(nullptr); }

  kms::RemoteObjectPtr create(const std::string& paramsJson, const std::string& id) {
    const kms::ModuleDescriptor* descriptor = kms_module_descriptor();
    kms::JsonDocument params;
    params.Parse(paramsJson.c_str());
    auto object = descriptor->factories[0].create(params);
    context_.add(object, id);
    return object;
  }

  // Runs `operation` and returns the JSON text of its value ("null" for void).
  std::string invoke(kms::RemoteObject& object, const std::string& operation,
                     const std::string& paramsJson = "{}") {
    kms::JsonDocument params;
    params.Parse(paramsJson.c_str());
    kms::JsonDocument result;
    if (!object.invoke(operation, params, result, result.GetAllocator())) {
      return "<no such operation>";
    }
    return toText(result);
  }

  // The message of the KurentoException `operation` throws (40107 expected).
  std::string invokeError(kms::RemoteObject& object, const std::string& operation,
                          const std::string& paramsJson) {
    try {
      invoke(object, operation, paramsJson);
    } catch (const kms::KurentoException& error) {
      EXPECT_EQ(error.code(), kms::ErrorCode::kMediaObjectIllegalParamError);
      return error.what();
    }
    return "<no error>";
  }

  SampleContext context_;
};

TEST_F(SampleModuleTest, Descriptor) {
  const kms::ModuleDescriptor* descriptor = kms_module_descriptor();
  EXPECT_EQ(descriptor->abiVersion, KMS_MODULE_ABI_VERSION);
  EXPECT_STREQ(descriptor->name, "sample");
  EXPECT_STREQ(descriptor->version, "1.2.3");
  std::ifstream in(SAMPLE_KMD_PATH);
  std::ostringstream kmd;
  kmd << in.rdbuf();
  EXPECT_EQ(descriptor->kmdJson, kmd.str());
  EXPECT_EQ(std::string(descriptor->generationTime).size(), 20u);  // 2024-01-02T03:04:05Z
  ASSERT_EQ(descriptor->factoryCount, 1u);  // Thing is abstract, Unserved has no Impl
  EXPECT_STREQ(descriptor->factories[0].typeName, "Box");
  EXPECT_STREQ(descriptor->factories[0].qualifiedTypeName, "sample.Box");
  const int before = sample::sampleModuleInitCalls;
  descriptor->init(context_);
  EXPECT_EQ(sample::sampleModuleInitCalls, before + 1);
}

TEST_F(SampleModuleTest, FactoryAppliesDefaultsAndNames) {
  auto box = create(R"({"size": 3})", "box1");
  EXPECT_STREQ(box->typeName(), "Box");
  EXPECT_STREQ(box->qualifiedTypeName(), "sample.Box");
  EXPECT_EQ(box->hierarchy(), std::vector<std::string>{"sample.Thing"});
  EXPECT_EQ(invoke(*box, "describe"), R"("box 3 RED")");
  EXPECT_EQ(invoke(*box, "getSerial"), "1003");
  EXPECT_EQ(invoke(*box, "getConfig"),
            R"({"level":3,"scale":0.25,"__module__":"sample","__type__":"Settings"})");
  auto owned = create(R"({"size": 4, "color": "NULL", "owner": "box1",
                          "config": {"level": 9}})",
                      "box2");
  EXPECT_EQ(invoke(*owned, "describe"), R"("box 4 NULL of box1")");
  EXPECT_EQ(invoke(*owned, "getConfig"),
            R"({"level":9,"scale":0.25,"__module__":"sample","__type__":"Settings"})");
  EXPECT_EQ(invoke(*owned, "contents"), R"(["box1"])");
}

TEST_F(SampleModuleTest, InvokeDispatchesMethodsAndAccessors) {
  auto box = create(R"({"size": 2, "color": "delete"})", "box");
  EXPECT_EQ(invoke(*box, "add", R"({"delete": 2})"), "7");
  EXPECT_EQ(invoke(*box, "add", R"({"delete": 2, "default": 1})"), "3");
  EXPECT_EQ(invoke(*box, "paint", R"({"colors": ["GREEN", "NULL"], "weights": {"a": 0.5}})"),
            R"("GREEN;NULL;a=0.500000;")");
  EXPECT_EQ(invoke(*box, "setLabel", R"({"label": "x"})"), "null");
  EXPECT_EQ(invoke(*box, "getLabel"), R"("x")");
  EXPECT_EQ(invoke(*box, "setRatio", R"({"ratio": 2.5})"), "null");
  EXPECT_EQ(invoke(*box, "getRatio"), "2.5");
  EXPECT_EQ(invoke(*box, "getTags"),
            R"([{"key":"size","value":2,"__module__":"sample","__type__":"Pair"},)"
            R"({"key":"color","name":"delete","__module__":"sample","__type__":"NamedPair"}])");
  EXPECT_EQ(invoke(*box, "setSerial", R"({"serial": 1})"), "<no such operation>");   // readOnly
  EXPECT_EQ(invoke(*box, "setConfig", R"({"config": {}})"), "<no such operation>");  // final
  EXPECT_EQ(invoke(*box, "fly"), "<no such operation>");
  auto other = create(R"({"size": 1})", "other");
  EXPECT_EQ(invoke(*box, "adopt", R"({"other": "other"})"), "null");
  EXPECT_EQ(std::static_pointer_cast<sample::BoxImpl>(box)->adopted(), other);
}

TEST_F(SampleModuleTest, BadParamsNameTheirPlace) {
  auto box = create(R"({"size": 2})", "box");
  EXPECT_EQ(invokeError(*box, "add", "{}"),
            "operation 'add' param 'delete' is required but missing");
  EXPECT_EQ(invokeError(*box, "add", R"({"delete": "two"})"),
            "operation 'add' param 'delete': expected a 32-bit integer, got string");
  EXPECT_EQ(invokeError(*box, "paint", R"({"colors": ["RED", "BLUE"]})"),
            "operation 'paint' param 'colors'[1]: 'BLUE' is not a valid Color (expected one of "
            "RED, GREEN, NULL, delete)");
  try {
    create(R"({"size": 1, "config": {"level": "high"}})", "bad");
    FAIL() << "no exception";
  } catch (const kms::KurentoException& error) {
    EXPECT_STREQ(error.what(),
                 "constructor of Box param 'config' field 'level': expected a 32-bit integer, got "
                 "string");
  }
}

TEST_F(SampleModuleTest, EventsCarryTheirOwnFields) {
  auto box = create(R"({"size": 2, "color": "GREEN"})", "box");
  EXPECT_TRUE(box->hasEvent("Opened"));
  EXPECT_TRUE(box->hasEvent("Ping"));  // declared by the parent Thing
  EXPECT_FALSE(box->hasEvent("RaiseBase"));
  invoke(*box, "open", R"({"note": "hi"})");
  invoke(*box, "open");
  EXPECT_EQ(context_.events, (std::vector<std::string>{
                                 R"(box Ping {"count":1})",
                                 R"(box Opened {"count":1,"by":"box","color":"GREEN","note":"hi"})",
                                 R"(box Ping {"count":2})",
                                 R"(box Opened {"count":2,"by":"box","color":"GREEN"})"}));
}

TEST(SampleTypes, EnumsKeepIdlValues) {
  EXPECT_STREQ(sample::toString(sample::Color::NULL_), "NULL");
  EXPECT_STREQ(sample::toString(sample::Color::delete_), "delete");
  EXPECT_EQ(sample::ColorFromString("GREEN"), sample::Color::GREEN);
  EXPECT_THROW(sample::ColorFromString("green"), kms::KurentoException);
}

}  // namespace

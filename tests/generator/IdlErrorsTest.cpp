// Every kind of bad IDL gives exactly one "FILE: PATH: REASON" message.
#include "TestIdl.hpp"

#include <gtest/gtest.h>

namespace kmsidl::test {
namespace {

using Messages = std::vector<std::string>;

std::string classWithMethod(const std::string& method) {
  return R"([{"name": "Root", "methods": [)" + method + "]}]";
}

std::string classWithParam(const std::string& param) {
  return classWithMethod(R"({"name": "run", "params": [)" + param + "]}");
}

TEST(IdlErrors, GoodIdlHasNoMessages) {
  EXPECT_EQ(errorsOf(coreIdl()), Messages{});
  const std::string elements = idl(
      R"([{"name": "Mixer", "extends": "kurento.MediaElement",
           "constructor": {"params": [{"name": "mediaPipeline", "type": "core.MediaPipeline"}]},
           "methods": [{"name": "tagsOf", "params": [{"name": "types",
                        "type": "kurento.MediaType[]"}], "return": {"type": "core.Tag<>"}}]}])",
      "[]", "[]", R"("imports": [{"name": "core", "version": "^7.0.0"}], )");
  EXPECT_EQ(errorsOf(elements, {{"core.kmd.json", coreIdl()}}), Messages{});
}

TEST(IdlErrors, InvalidJson) {
  const Messages messages = errorsOf("{\n  \"name\": \"test\",\n  oops\n}");
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0],
            "test.kmd.json: line 3, column 3: invalid JSON: Missing a name for "
            "object member.");
}

TEST(IdlErrors, TopLevelNotAnObject) {
  EXPECT_EQ(errorsOf("[1, 2]"),
            Messages{"test.kmd.json: expected a JSON object at the top level, got array"});
}

TEST(IdlErrors, MissingModuleFields) {
  EXPECT_EQ(errorsOf(R"({"version": "1", "kurentoVersion": "7"})"),
            Messages{"test.kmd.json: name: missing required field"});
  EXPECT_EQ(errorsOf(R"({"name": "m", "kurentoVersion": "7"})"),
            Messages{"test.kmd.json: version: missing required field"});
  EXPECT_EQ(errorsOf(R"({"name": "m", "version": "1"})"),
            Messages{"test.kmd.json: kurentoVersion: missing required field"});
  EXPECT_EQ(errorsOf(R"({"name": "m", "version": 1, "kurentoVersion": "7"})"),
            Messages{"test.kmd.json: version: expected a string, got integer"});
  EXPECT_EQ(errorsOf(R"({"name": "", "version": "1", "kurentoVersion": "7"})"),
            Messages{"test.kmd.json: name: must not be empty"});
}

TEST(IdlErrors, MissingNamesAndTypes) {
  EXPECT_EQ(errorsOf(idl(R"([{"name": "Root"}, {"abstract": true}])")),
            Messages{"test.kmd.json: remoteClasses[1].name: missing required field"});
  EXPECT_EQ(errorsOf(idl(classWithMethod(R"({"params": []})"))),
            Messages{"test.kmd.json: remoteClasses[0].methods[0].name: missing required field"});
  EXPECT_EQ(errorsOf(idl(classWithParam(R"({"type": "int"})"))),
            Messages{"test.kmd.json: remoteClasses[0].methods[0].params[0].name: missing "
                     "required field"});
  EXPECT_EQ(errorsOf(idl(classWithParam(R"({"name": "count"})"))),
            Messages{"test.kmd.json: remoteClasses[0].methods[0].params[0].type: missing "
                     "required field"});
  EXPECT_EQ(errorsOf(idl(R"([{"name": "Root", "properties": [{"type": "int"}]}])")),
            Messages{"test.kmd.json: remoteClasses[0].properties[0].name: missing required "
                     "field"});
  EXPECT_EQ(errorsOf(idl(R"([{"name": "Root", "properties": [{"name": "size"}]}])")),
            Messages{"test.kmd.json: remoteClasses[0].properties[0].type: missing required "
                     "field"});
  EXPECT_EQ(errorsOf(idl("[]", "[]", R"([{"properties": []}])")),
            Messages{"test.kmd.json: events[0].name: missing required field"});
  EXPECT_EQ(errorsOf(idl("[]", R"([{"name": "T"}])")),
            Messages{"test.kmd.json: complexTypes[0].typeFormat: missing required field"});
  EXPECT_EQ(errorsOf(idl(classWithMethod(R"({"name": "run", "params": [],
                                             "return": {"doc": "x"}})"))),
            Messages{"test.kmd.json: remoteClasses[0].methods[0].return.type: missing "
                     "required field"});
}

TEST(IdlErrors, WrongJsonTypes) {
  EXPECT_EQ(errorsOf(idl(R"({"name": "Root"})")),
            Messages{"test.kmd.json: remoteClasses: expected an array, got object"});
  EXPECT_EQ(errorsOf(idl(R"([{"name": "Root", "abstract": "yes"}])")),
            Messages{"test.kmd.json: remoteClasses[0].abstract: expected a boolean, got string"});
  EXPECT_EQ(errorsOf(idl(R"([{"name": "Root", "events": [3]}])")),
            Messages{"test.kmd.json: remoteClasses[0].events[0]: expected a string, got "
                     "integer"});
}

TEST(IdlErrors, UnknownTypes) {
  EXPECT_EQ(errorsOf(idl(R"([{"name": "Root"}, {"name": "A", "methods": [{"name": "m",
                           "params": [{"name": "p", "type": "Foo"}]}]}])")),
            Messages{"test.kmd.json: remoteClasses[1].methods[0].params[0].type: unknown type "
                     "'Foo'"});
  EXPECT_EQ(errorsOf(idl(classWithParam(R"({"name": "p", "type": "Foo[]"})"))),
            Messages{"test.kmd.json: remoteClasses[0].methods[0].params[0].type: unknown type "
                     "'Foo'"});
  EXPECT_EQ(errorsOf(idl(classWithMethod(R"({"name": "m", "params": [],
                                             "return": {"type": "Bar<>"}})"))),
            Messages{"test.kmd.json: remoteClasses[0].methods[0].return.type: unknown type "
                     "'Bar'"});
  EXPECT_EQ(errorsOf(idl(R"([{"name": "Root", "properties": [{"name": "p",
                                                              "type": "string"}]}])")),
            Messages{"test.kmd.json: remoteClasses[0].properties[0].type: unknown type "
                     "'string'"});
  EXPECT_EQ(errorsOf(idl(R"([{"name": "Root", "constructor": {"params": [
                              {"name": "p", "type": "core.Tag"}]}}])")),
            Messages{"test.kmd.json: remoteClasses[0].constructor.params[0].type: unknown type "
                     "'core.Tag'"});
  EXPECT_EQ(errorsOf(idl("[]", R"([{"name": "R", "typeFormat": "REGISTER",
                                     "properties": [{"name": "p", "type": "Nope"}]}])")),
            Messages{"test.kmd.json: complexTypes[0].properties[0].type: unknown type 'Nope'"});
  EXPECT_EQ(errorsOf(idl("[]", "[]", R"([{"name": "E", "properties": [
                                           {"name": "p", "type": "E"}]}])")),
            Messages{"test.kmd.json: events[0].properties[0].type: unknown type 'E'"});
}

TEST(IdlErrors, Duplicates) {
  EXPECT_EQ(errorsOf(idl(R"([{"name": "Root"}, {"name": "Root"}])")),
            Messages{"test.kmd.json: remoteClasses[1].name: duplicate class name 'Root' (also "
                     "at remoteClasses[0])"});
  EXPECT_EQ(errorsOf(idl("[]", R"([{"name": "T", "typeFormat": "ENUM", "values": ["A"]},
                                    {"name": "T", "typeFormat": "ENUM", "values": ["B"]}])")),
            Messages{"test.kmd.json: complexTypes[1].name: duplicate type name 'T' (also at "
                     "complexTypes[0])"});
  EXPECT_EQ(errorsOf(idl("[]", "[]", R"([{"name": "E"}, {"name": "E"}])")),
            Messages{"test.kmd.json: events[1].name: duplicate type or event name 'E' (also at "
                     "events[0])"});
  EXPECT_EQ(errorsOf(idl("[]", R"([{"name": "E", "typeFormat": "ENUM", "values": ["A"]}])",
                         R"([{"name": "E"}])")),
            Messages{"test.kmd.json: events[0].name: duplicate type or event name 'E' (also at "
                     "complexTypes[0])"});
  EXPECT_EQ(errorsOf(idl(classWithMethod(R"({"name": "m", "params": []},
                                             {"name": "m", "params": []})"))),
            Messages{"test.kmd.json: remoteClasses[0].methods[1].name: duplicate method name "
                     "'m' (also at remoteClasses[0].methods[0])"});
  EXPECT_EQ(errorsOf(idl(R"([{"name": "Root", "properties": [{"name": "p", "type": "int"},
                                                              {"name": "p", "type": "int"}]}])")),
            Messages{"test.kmd.json: remoteClasses[0].properties[1].name: duplicate property "
                     "name 'p' (also at remoteClasses[0].properties[0])"});
  EXPECT_EQ(errorsOf(idl(classWithParam(R"({"name": "p", "type": "int"},
                                           {"name": "p", "type": "int"})"))),
            Messages{"test.kmd.json: remoteClasses[0].methods[0].params[1].name: duplicate "
                     "param name 'p' (also at remoteClasses[0].methods[0].params[0])"});
  EXPECT_EQ(
      errorsOf(idl(R"([{"name": "Root", "events": ["E", "E"]}])", "[]", R"([{"name": "E"}])")),
      Messages{"test.kmd.json: remoteClasses[0].events[1]: duplicate event 'E' (also at "
               "remoteClasses[0].events[0])"});
  EXPECT_EQ(errorsOf(idl("[]", R"([{"name": "T", "typeFormat": "ENUM",
                                    "values": ["A", "B", "A"]}])")),
            Messages{"test.kmd.json: complexTypes[0].values[2]: duplicate value 'A'"});
}

TEST(IdlErrors, ExtendsCycles) {
  EXPECT_EQ(errorsOf(idl(R"([{"name": "A", "extends": "C"}, {"name": "B", "extends": "A"},
                              {"name": "C", "extends": "B"}])")),
            Messages{"test.kmd.json: remoteClasses[0].extends: cycle in extends: A -> C -> B "
                     "-> A"});
  EXPECT_EQ(errorsOf(idl(R"([{"name": "A", "extends": "A"}])")),
            Messages{"test.kmd.json: remoteClasses[0].extends: cycle in extends: A -> A"});
  EXPECT_EQ(errorsOf(idl("[]", R"([{"name": "S", "typeFormat": "REGISTER", "extends": "T"},
                                    {"name": "T", "typeFormat": "REGISTER", "extends": "S"}])")),
            Messages{"test.kmd.json: complexTypes[0].extends: cycle in extends: S -> T -> S"});
  EXPECT_EQ(errorsOf(idl("[]", "[]", R"([{"name": "X", "extends": "Y"},
                                          {"name": "Y", "extends": "X"}])")),
            Messages{"test.kmd.json: events[0].extends: cycle in extends: X -> Y -> X"});
}

TEST(IdlErrors, ExtendsUnknown) {
  EXPECT_EQ(errorsOf(idl(R"([{"name": "A", "extends": "MediaObject"}])")),
            Messages{"test.kmd.json: remoteClasses[0].extends: unknown class 'MediaObject'"});
  EXPECT_EQ(errorsOf(idl("[]", R"([{"name": "S", "typeFormat": "REGISTER",
                                    "extends": "Stats"}])")),
            Messages{"test.kmd.json: complexTypes[0].extends: unknown type 'Stats'"});
  EXPECT_EQ(errorsOf(idl("[]", "[]", R"([{"name": "X", "extends": "Media"}])")),
            Messages{"test.kmd.json: events[0].extends: unknown event 'Media'"});
  EXPECT_EQ(errorsOf(idl(R"([{"name": "Root", "events": ["Gone"]}])")),
            Messages{"test.kmd.json: remoteClasses[0].events[0]: unknown event 'Gone'"});
  EXPECT_EQ(errorsOf(idl("[]", R"([{"name": "E", "typeFormat": "ENUM", "values": ["A"]},
                                    {"name": "S", "typeFormat": "REGISTER", "extends": "E"}])")),
            Messages{"test.kmd.json: complexTypes[1].extends: type 'E' is not a REGISTER type"});
}

TEST(IdlErrors, DefaultValueOfWrongType) {
  EXPECT_EQ(errorsOf(idl(classWithParam(
                R"({"name": "n", "type": "int", "optional": true, "defaultValue": "5"})"))),
            Messages{"test.kmd.json: remoteClasses[0].methods[0].params[0].defaultValue: "
                     "expected a 32-bit integer for type 'int', got '5'"});
  EXPECT_EQ(errorsOf(idl(classWithParam(
                R"({"name": "b", "type": "boolean", "optional": true, "defaultValue": 0})"))),
            Messages{"test.kmd.json: remoteClasses[0].methods[0].params[0].defaultValue: "
                     "expected a boolean for type 'boolean', got integer"});
  EXPECT_EQ(errorsOf(idl(classWithParam(
                R"({"name": "s", "type": "String", "optional": true, "defaultValue": {}})"))),
            Messages{"test.kmd.json: remoteClasses[0].methods[0].params[0].defaultValue: "
                     "expected a string for type 'String', got object"});
  EXPECT_EQ(errorsOf(idl(classWithParam(R"({"name": "c", "type": "Color", "optional": true,
                                            "defaultValue": "BLUE"})"),
                         R"([{"name": "Color", "typeFormat": "ENUM", "values": ["RED"]}])")),
            Messages{"test.kmd.json: remoteClasses[0].methods[0].params[0].defaultValue: "
                     "expected one of the values of Color for type 'Color', got 'BLUE'"});
  EXPECT_EQ(errorsOf(idl(classWithParam(R"({"name": "l", "type": "int[]", "optional": true,
                                            "defaultValue": [1, "2"]})"))),
            Messages{"test.kmd.json: remoteClasses[0].methods[0].params[0].defaultValue: "
                     "expected an array of int for type 'int[]', got array"});
  EXPECT_EQ(errorsOf(idl(classWithParam(R"({"name": "n", "type": "int", "defaultValue": 5})"))),
            Messages{"test.kmd.json: remoteClasses[0].methods[0].params[0].defaultValue: a "
                     "defaultValue requires \"optional\": true"});
  EXPECT_EQ(errorsOf(idl("[]", R"([{"name": "S", "typeFormat": "REGISTER", "properties": [
                {"name": "f", "type": "float", "optional": true, "defaultValue": true}]}])")),
            Messages{"test.kmd.json: complexTypes[0].properties[0].defaultValue: expected a "
                     "number for type 'float', got boolean"});
  // Accepted defaults of every JSON kind.
  EXPECT_EQ(errorsOf(idl(classWithParam(R"(
                {"name": "a", "type": "float", "optional": true, "defaultValue": 1},
                {"name": "b", "type": "int64", "optional": true, "defaultValue": 5000000000},
                {"name": "c", "type": "S", "optional": true, "defaultValue": {}},
                {"name": "d", "type": "String<>", "optional": true, "defaultValue": {"k": "v"}})"),
                         R"([{"name": "S", "typeFormat": "REGISTER", "properties": []}])")),
            Messages{});
}

TEST(IdlErrors, ComplexTypeFormats) {
  EXPECT_EQ(errorsOf(idl("[]", R"([{"name": "T", "typeFormat": "SET"}])")),
            Messages{"test.kmd.json: complexTypes[0].typeFormat: unknown typeFormat 'SET' "
                     "(expected ENUM or REGISTER)"});
  EXPECT_EQ(errorsOf(idl("[]", R"([{"name": "T", "typeFormat": "ENUM"}])")),
            Messages{"test.kmd.json: complexTypes[0].values: missing required field"});
  EXPECT_EQ(errorsOf(idl("[]", R"([{"name": "T", "typeFormat": "ENUM", "values": []}])")),
            Messages{"test.kmd.json: complexTypes[0].values: an ENUM needs at least one value"});
}

TEST(IdlErrors, Imports) {
  const std::string text = idl(R"([{"name": "A", "extends": "core.MediaObject"}])", "[]", "[]",
                               R"("imports": [{"name": "core", "version": "^7.0.0"}], )");
  EXPECT_EQ(errorsOf(text),
            (Messages{"test.kmd.json: imports[0].name: imported module 'core' was not provided "
                      "(--import-kmd)",
                      "test.kmd.json: remoteClasses[0].extends: unknown class "
                      "'core.MediaObject'"}));
  EXPECT_EQ(errorsOf(text, {{"core.kmd.json", coreIdl()}}), Messages{});
  // A message about an imported file names that file.
  EXPECT_EQ(errorsOf(text, {{"core.kmd.json", R"({"name": "core", "version": "1"})"}}),
            Messages{"core.kmd.json: kurentoVersion: missing required field"});
}

TEST(IdlErrors, MethodNamesThatCannotBeGenerated) {
  EXPECT_EQ(errorsOf(idl(classWithMethod(R"({"name": "invoke", "params": []})"))),
            Messages{"test.kmd.json: remoteClasses[0].methods[0].name: method name 'invoke' is "
                     "reserved (a member of kms::RemoteObject)"});
  EXPECT_EQ(errorsOf(idl(R"([{"name": "Root", "properties": [{"name": "size", "type": "int"}],
                              "methods": [{"name": "setSize", "params": []}]}])")),
            Messages{"test.kmd.json: remoteClasses[0].methods[0].name: method 'setSize' clashes "
                     "with an accessor of property 'size'"});
}

// Found by fuzz.idl: a class named "/Unserved" passed and generated "/UnservedBase.hpp".
TEST(IdlErrors, NamesThatAreNotIdentifiers) {
  const std::string notIdentifier =
      "' is not an identifier (letters, digits and '_', not starting with a digit)";
  EXPECT_EQ(errorsOf(idl(R"([{"name": "/Unserved"}])")),
            Messages{"test.kmd.json: remoteClasses[0].name: class name '/Unserved" + notIdentifier});
  EXPECT_EQ(errorsOf(idl(classWithParam(R"({"name": "2x", "type": "int"})"))),
            Messages{"test.kmd.json: remoteClasses[0].methods[0].params[0].name: param name '2x" +
                     notIdentifier});
  EXPECT_EQ(errorsOf(idl("[]", R"([{"name": "T", "typeFormat": "REGISTER",
                                     "properties": [{"name": "a b", "type": "int"}]}])")),
            Messages{"test.kmd.json: complexTypes[0].properties[0].name: property name 'a b" +
                     notIdentifier});
  EXPECT_EQ(errorsOf(idl("[]", "[]", R"([{"name": "On.Event", "properties": []}])")),
            Messages{"test.kmd.json: events[0].name: event name 'On.Event" + notIdentifier});
  EXPECT_EQ(errorsOf(R"({"name": "a/b", "version": "1", "kurentoVersion": "7"})"),
            Messages{"test.kmd.json: name: module name 'a/b' is not a name (letters, digits, '_' "
                     "and '-', not starting with a digit or '-')"});
  EXPECT_EQ(errorsOf(R"({"name": "my-module_2", "version": "1", "kurentoVersion": "7"})"),
            Messages{});
}

}  // namespace
}  // namespace kmsidl::test

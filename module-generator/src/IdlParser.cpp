#include "IdlParser.hpp"

#include <rapidjson/error/en.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace kmsidl {
namespace {

using rapidjson::Value;

std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string indexed(const std::string& path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

// Reads fields of JSON objects, reporting what is missing or of the wrong JSON type.
class Reader {
 public:
  Reader(std::string fileName, Diagnostics& diagnostics)
      : fileName_(std::move(fileName)), diagnostics_(diagnostics) {}

  void error(const std::string& path, const std::string& reason) {
    diagnostics_.error(fileName_, path, reason);
  }

  // A field that must be a non-empty string.
  bool requiredString(const Value& object, const std::string& path, const char* key,
                      std::string& out) {
    auto it = object.FindMember(key);
    if (it == object.MemberEnd()) {
      error(join(path, key), "missing required field");
      return false;
    }
    if (!expect(it->value, join(path, key), it->value.IsString(), "a string")) {
      return false;
    }
    out.assign(it->value.GetString(), it->value.GetStringLength());
    if (out.empty()) {
      error(join(path, key), "must not be empty");
      return false;
    }
    return true;
  }

  void optionalString(const Value& object, const std::string& path, const char* key,
                      std::string& out) {
    auto it = object.FindMember(key);
    if (it != object.MemberEnd() &&
        expect(it->value, join(path, key), it->value.IsString(), "a string")) {
      out.assign(it->value.GetString(), it->value.GetStringLength());
    }
  }

  void optionalBool(const Value& object, const std::string& path, const char* key, bool& out) {
    auto it = object.FindMember(key);
    if (it != object.MemberEnd() &&
        expect(it->value, join(path, key), it->value.IsBool(), "a boolean")) {
      out = it->value.GetBool();
    }
  }

  // The array at `key`, or null when absent (or not an array, which is reported).
  const Value* optionalArray(const Value& object, const std::string& path, const char* key) {
    auto it = object.FindMember(key);
    if (it == object.MemberEnd() ||
        !expect(it->value, join(path, key), it->value.IsArray(), "an array")) {
      return nullptr;
    }
    return &it->value;
  }

  const Value* optionalObject(const Value& object, const std::string& path, const char* key) {
    auto it = object.FindMember(key);
    if (it == object.MemberEnd() ||
        !expect(it->value, join(path, key), it->value.IsObject(), "an object")) {
      return nullptr;
    }
    return &it->value;
  }

  bool expect(const Value& value, const std::string& path, bool condition, const char* what) {
    if (!condition) {
      error(path, std::string("expected ") + what + ", got " + jsonKindName(value));
    }
    return condition;
  }

  // Runs `parseItem(item, itemPath)` for every object of the array at `key`.
  template <class F>
  void forEachObject(const Value& object, const std::string& path, const char* key, F&& parseItem) {
    const Value* array = optionalArray(object, path, key);
    if (array == nullptr) {
      return;
    }
    for (rapidjson::SizeType i = 0; i < array->Size(); ++i) {
      const std::string itemPath = indexed(join(path, key), i);
      if (expect((*array)[i], itemPath, (*array)[i].IsObject(), "an object")) {
        parseItem((*array)[i], itemPath);
      }
    }
  }

 private:
  std::string fileName_;
  Diagnostics& diagnostics_;
};

JsonValuePtr copyValue(const Value& value) {
  auto document = std::make_shared<rapidjson::Document>();
  document->CopyFrom(value, document->GetAllocator());
  return document;
}

bool readType(Reader& reader, const Value& object, const std::string& path, TypeRef& type) {
  type.path = join(path, "type");
  return reader.requiredString(object, path, "type", type.text);
}

Param readParam(Reader& reader, const Value& object, const std::string& path) {
  Param param;
  param.path = path;
  reader.requiredString(object, path, "name", param.name);
  readType(reader, object, path, param.type);
  reader.optionalBool(object, path, "optional", param.optional);
  auto it = object.FindMember("defaultValue");
  if (it != object.MemberEnd()) {
    param.defaultValue = copyValue(it->value);
  }
  return param;
}

Property readProperty(Reader& reader, const Value& object, const std::string& path) {
  Property property;
  property.path = path;
  reader.requiredString(object, path, "name", property.name);
  readType(reader, object, path, property.type);
  reader.optionalBool(object, path, "optional", property.optional);
  reader.optionalBool(object, path, "readOnly", property.readOnly);
  reader.optionalBool(object, path, "final", property.isFinal);
  auto it = object.FindMember("defaultValue");
  if (it != object.MemberEnd()) {
    property.defaultValue = copyValue(it->value);
  }
  return property;
}

std::vector<Param> readParams(Reader& reader, const Value& object, const std::string& path) {
  std::vector<Param> params;
  reader.forEachObject(object, path, "params", [&](const Value& item, const std::string& at) {
    params.push_back(readParam(reader, item, at));
  });
  return params;
}

std::vector<Property> readProperties(Reader& reader, const Value& object, const std::string& path) {
  std::vector<Property> properties;
  reader.forEachObject(object, path, "properties", [&](const Value& item, const std::string& at) {
    properties.push_back(readProperty(reader, item, at));
  });
  return properties;
}

NameRef readExtends(Reader& reader, const Value& object, const std::string& path) {
  NameRef ref;
  ref.path = join(path, "extends");
  reader.optionalString(object, path, "extends", ref.name);
  return ref;
}

Method readMethod(Reader& reader, const Value& object, const std::string& path) {
  Method method;
  method.path = path;
  reader.requiredString(object, path, "name", method.name);
  method.params = readParams(reader, object, path);
  if (const Value* result = reader.optionalObject(object, path, "return")) {
    method.hasReturn = readType(reader, *result, join(path, "return"), method.returnType);
  }
  return method;
}

void readClassEvents(Reader& reader, const Value& object, RemoteClass& remoteClass) {
  const Value* events = reader.optionalArray(object, remoteClass.path, "events");
  if (events == nullptr) {
    return;
  }
  for (rapidjson::SizeType i = 0; i < events->Size(); ++i) {
    const std::string at = indexed(join(remoteClass.path, "events"), i);
    if (reader.expect((*events)[i], at, (*events)[i].IsString(), "a string")) {
      remoteClass.events.push_back({(*events)[i].GetString(), at});
    }
  }
}

RemoteClass readClass(Reader& reader, const Value& object, const std::string& path) {
  RemoteClass remoteClass;
  remoteClass.path = path;
  reader.requiredString(object, path, "name", remoteClass.name);
  reader.optionalBool(object, path, "abstract", remoteClass.isAbstract);
  remoteClass.extends = readExtends(reader, object, path);
  if (const Value* constructor = reader.optionalObject(object, path, "constructor")) {
    remoteClass.hasConstructor = true;
    remoteClass.constructorPath = join(path, "constructor");
    remoteClass.constructorParams = readParams(reader, *constructor, remoteClass.constructorPath);
  }
  reader.forEachObject(object, path, "methods", [&](const Value& item, const std::string& at) {
    remoteClass.methods.push_back(readMethod(reader, item, at));
  });
  remoteClass.properties = readProperties(reader, object, path);
  readClassEvents(reader, object, remoteClass);
  return remoteClass;
}

ComplexType readComplexType(Reader& reader, const Value& object, const std::string& path) {
  ComplexType type;
  type.path = path;
  reader.requiredString(object, path, "name", type.name);
  type.extends = readExtends(reader, object, path);
  std::string format;
  if (!reader.requiredString(object, path, "typeFormat", format)) {
    return type;
  }
  if (format == "ENUM") {
    type.format = TypeFormat::kEnum;
    const Value* values = reader.optionalArray(object, path, "values");
    if (values == nullptr && !object.HasMember("values")) {
      reader.error(join(path, "values"), "missing required field");
    } else if (values != nullptr && values->Empty()) {
      reader.error(join(path, "values"), "an ENUM needs at least one value");
    }
    for (rapidjson::SizeType i = 0; values != nullptr && i < values->Size(); ++i) {
      const std::string at = indexed(join(path, "values"), i);
      if (reader.expect((*values)[i], at, (*values)[i].IsString(), "a string")) {
        type.values.emplace_back((*values)[i].GetString(), (*values)[i].GetStringLength());
      }
    }
  } else if (format == "REGISTER") {
    type.format = TypeFormat::kRegister;
    type.properties = readProperties(reader, object, path);
  } else {
    reader.error(join(path, "typeFormat"),
                 "unknown typeFormat '" + format + "' (expected ENUM or REGISTER)");
  }
  return type;
}

Event readEvent(Reader& reader, const Value& object, const std::string& path) {
  Event event;
  event.path = path;
  reader.requiredString(object, path, "name", event.name);
  event.extends = readExtends(reader, object, path);
  event.properties = readProperties(reader, object, path);
  return event;
}

void readHeader(Reader& reader, const Value& root, Module& module) {
  reader.requiredString(root, "", "name", module.name);
  reader.requiredString(root, "", "version", module.version);
  reader.requiredString(root, "", "kurentoVersion", module.kurentoVersion);
  reader.forEachObject(root, "", "imports", [&](const Value& item, const std::string& at) {
    NameRef ref{"", join(at, "name")};
    if (reader.requiredString(item, at, "name", ref.name)) {
      module.imports.push_back(ref);
    }
  });
  if (const Value* code = reader.optionalObject(root, "", "code")) {
    if (const Value* impl = reader.optionalObject(*code, "code", "implementation")) {
      reader.optionalString(*impl, "code.implementation", "cppNamespace", module.cppNamespace);
    }
  }
  if (module.cppNamespace.empty()) {
    module.cppNamespace = module.name;
  }
}

std::string lineAndColumn(const std::string& text, size_t offset) {
  size_t line = 1;
  size_t column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

std::string baseName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::unique_ptr<Module> parseModule(const std::string& text, const std::string& fileName,
                                    Diagnostics& diagnostics) {
  rapidjson::Document document;
  // Default precision: RapidJSON 1.1.0's full-precision strtod has undefined behaviour on a
  // zero significand with a large exponent ("0e70": __builtin_clzll(0), then an out-of-range
  // shift), found by fuzz.idl. IDL defaults are short decimals, read the same either way.
  document.Parse(text.c_str(), text.size());
  if (document.HasParseError()) {
    diagnostics.error(
        fileName, lineAndColumn(text, document.GetErrorOffset()),
        std::string("invalid JSON: ") + rapidjson::GetParseError_En(document.GetParseError()));
    return nullptr;
  }
  if (!document.IsObject()) {
    diagnostics.error(
        fileName, "",
        std::string("expected a JSON object at the top level, got ") + jsonKindName(document));
    return nullptr;
  }
  Reader reader(fileName, diagnostics);
  auto module = std::make_unique<Module>();
  module->fileName = fileName;
  module->text = text;
  readHeader(reader, document, *module);
  reader.forEachObject(document, "", "remoteClasses",
                       [&](const Value& item, const std::string& at) {
                         module->remoteClasses.push_back(readClass(reader, item, at));
                       });
  reader.forEachObject(document, "", "complexTypes", [&](const Value& item, const std::string& at) {
    module->complexTypes.push_back(readComplexType(reader, item, at));
  });
  reader.forEachObject(document, "", "events", [&](const Value& item, const std::string& at) {
    module->events.push_back(readEvent(reader, item, at));
  });
  for (auto& item : module->remoteClasses) {
    item.module = module.get();
  }
  for (auto& item : module->complexTypes) {
    item.module = module.get();
  }
  for (auto& item : module->events) {
    item.module = module.get();
  }
  return module;
}

std::unique_ptr<Module> parseModuleFile(const std::string& path, Diagnostics& diagnostics) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diagnostics.error(baseName(path), "", std::string("cannot read file: ") + std::strerror(errno));
    return nullptr;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  auto module = parseModule(buffer.str(), baseName(path), diagnostics);
  if (module) {
    module->filePath = path;
  }
  return module;
}

}  // namespace kmsidl

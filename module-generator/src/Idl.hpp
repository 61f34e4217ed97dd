// The model of a Kurento IDL module (`*.kmd.json`) as the generator sees it.
//
// IdlParser fills the declared fields; IdlValidator resolves names (the `resolved` fields)
// and reports what is wrong. Every element keeps its JSON path for error messages.
#pragma once

#include <rapidjson/document.h>

#include <memory>
#include <string>
#include <vector>

namespace kmsidl {

struct Module;
struct RemoteClass;
struct ComplexType;
struct Event;

enum class TypeKind {
  kInvalid = 0,
  kString,
  kBoolean,
  kInt,
  kInt64,
  kDouble,  // IDL float and double
  kEnum,
  kRegister,
  kRemoteClass,
  kArray,  // T[]
  kMap,    // T<>
};

// A type as written in the IDL ("MediaType[]", "core.Tag", "String<>") and what it names.
struct TypeRef {
  std::string text;
  std::string path;  // JSON path of the field that holds the text

  TypeKind kind = TypeKind::kInvalid;
  std::shared_ptr<TypeRef> element;          // kArray, kMap
  const ComplexType* complexType = nullptr;  // kEnum, kRegister
  const RemoteClass* remoteClass = nullptr;  // kRemoteClass
};

using JsonValuePtr = std::shared_ptr<const rapidjson::Document>;

// A method or constructor parameter.
struct Param {
  std::string name;
  std::string path;
  TypeRef type;
  bool optional = false;
  JsonValuePtr defaultValue;  // null when the IDL has none
};

// A property of a remote class, complex type or event.
struct Property {
  std::string name;
  std::string path;
  TypeRef type;
  bool optional = false;
  bool readOnly = false;
  bool isFinal = false;
  JsonValuePtr defaultValue;
};

struct Method {
  std::string name;
  std::string path;
  std::vector<Param> params;
  bool hasReturn = false;
  TypeRef returnType;
};

// A name that refers to another declaration (`extends`, a class's `events` entries).
struct NameRef {
  std::string name;
  std::string path;
};

struct RemoteClass {
  std::string name;
  std::string path;
  bool isAbstract = false;
  bool hasConstructor = false;
  std::string constructorPath;
  std::vector<Param> constructorParams;
  std::vector<Method> methods;
  std::vector<Property> properties;
  std::vector<NameRef> events;
  NameRef extends;  // empty name: the root of a hierarchy

  const Module* module = nullptr;
  const RemoteClass* parent = nullptr;  // resolved
  std::vector<const Event*> eventRefs;  // resolved, same order as `events`
};

enum class TypeFormat { kInvalid = 0, kEnum, kRegister };

struct ComplexType {
  std::string name;
  std::string path;
  TypeFormat format = TypeFormat::kInvalid;
  std::vector<std::string> values;   // ENUM
  std::vector<Property> properties;  // REGISTER
  NameRef extends;

  const Module* module = nullptr;
  const ComplexType* parent = nullptr;  // resolved
};

struct Event {
  std::string name;
  std::string path;
  std::vector<Property> properties;
  NameRef extends;

  const Module* module = nullptr;
  const Event* parent = nullptr;  // resolved
};

struct Module {
  std::string filePath;  // as given on the command line
  std::string fileName;  // base name, used in messages
  std::string text;      // the IDL verbatim

  std::string name;
  std::string version;
  std::string kurentoVersion;
  std::string cppNamespace;  // code.implementation.cppNamespace, else the name
  std::vector<NameRef> imports;
  std::vector<RemoteClass> remoteClasses;
  std::vector<ComplexType> complexTypes;
  std::vector<Event> events;

  std::vector<const Module*> importedModules;  // resolved (the provided ones)

  // "kurento" for the modules core, elements and filters; the module name otherwise.
  std::string qualifiedPrefix() const;
  std::string qualifiedName(const std::string& entity) const {
    return qualifiedPrefix() + "." + entity;
  }

  const RemoteClass* findClass(const std::string& className) const;
  const ComplexType* findType(const std::string& typeName) const;
  const Event* findEvent(const std::string& eventName) const;
};

// Collected errors, each "FILE: PATH: REASON".
class Diagnostics {
 public:
  void error(const std::string& file, const std::string& path, const std::string& reason);
  bool ok() const { return messages_.empty(); }
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  std::vector<std::string> messages_;
};

// The JSON type name of a value ("string", "number", ...), for messages.
const char* jsonKindName(const rapidjson::Value& value);

// Ancestors of a class, nearest first.
std::vector<const RemoteClass*> ancestorsOf(const RemoteClass& remoteClass);

}  // namespace kmsidl

// The single versioned entry point of a module .so.
#pragma once

#include <kms/sdk/Json.hpp>
#include <kms/sdk/RemoteObject.hpp>
#include <kms/sdk/ServerContext.hpp>

#include <cstddef>
#include <cstdint>

// Bumped whenever a type visible across the host/module boundary changes layout
// (2: ServerContext gained the HTTP upload calls).
#define KMS_MODULE_ABI_VERSION 2u
#define KMS_MODULE_ENTRY_SYMBOL "kms_module_descriptor"

namespace kms {

// Creates an object from the `constructorParams` JSON object; throws KurentoException.
using FactoryFunction = RemoteObjectPtr (*)(const Json& constructorParams);

struct FactoryEntry {
  const char* typeName;           // "PassThrough"
  const char* qualifiedTypeName;  // "kurento.PassThrough"
  FactoryFunction create;
};

struct ModuleDescriptor {
  uint32_t abiVersion;  // KMS_MODULE_ABI_VERSION of the SDK the module was built with
  const char* name;     // "elements"
  const char* version;  // "7.3.0"
  const char* kmdJson;  // the module's IDL, verbatim
  const char* generationTime;
  const FactoryEntry* factories;
  size_t factoryCount;
  // Called once after the module is accepted (may be null).
  void (*init)(ServerContext& context);
};

}  // namespace kms

extern "C" {
typedef const kms::ModuleDescriptor* (*KmsModuleEntryFunction)();
}

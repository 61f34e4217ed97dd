// One remote class -> lib/<Class>.js or lib/abstracts/<Class>.js (see JsEmitter.hpp).
#include "JsEmitter.hpp"

#include "IdlValidator.hpp"

#include <algorithm>
#include <sstream>
#include <string>

namespace kmsidl {
namespace {

using jsemit::identifier;
using jsemit::quote;

// Helpers every class file defines (kept per file so each file stands alone, like
// kurento-client-core's).
constexpr const char* kFileHelpers = R"(function noop(error, result) {
  if (error) console.trace(error);

  return result;
}

function dropTrailingUndefined(args) {
  while (args.length && args[args.length - 1] === undefined) Array.prototype.pop.call(args);
}

function paramCountError(count, min, max) {
  var error = new RangeError('Number of params (' + count + ') not in range [' + min + '-' + max + ']');
  error.length = count;
  error.min = min;
  error.max = max;
  return error;
}

// Turns the object id(s) of a result into client objects ('_describe' asks the server once).
function describeResult(self, promise, callback) {
  function describe(id) {
    return new Promise(function(resolve, reject) {
      if (id == null) return resolve(id);
      self.emit('_describe', id, function(error, object) {
        if (error) return reject(error);
        resolve(object);
      });
    });
  }

  promise = promise.then(function(value) {
    return (value instanceof Array) ? Promise.all(value.map(describe)) : describe(value);
  });
  return promiseCallback(promise, callback, self);
}

)";

std::string prototypeMember(const RemoteClass& remoteClass, const std::string& member) {
  return remoteClass.name + ".prototype." + member;
}

size_t requiredCount(const std::vector<Param>& params) {
  size_t count = 0;
  for (size_t index = 0; index < params.size(); ++index) {
    if (!params[index].optional) {
      count = index + 1;
    }
  }
  return count;
}

// The argument handling shared by methods and accessors: optional transaction first,
// optional callback last, then the count and type checks.
std::string argumentPrologue(const std::vector<Param>& params) {
  std::ostringstream out;
  const size_t required = requiredCount(params);
  out << "  var transaction = (arguments[0] instanceof Transaction)\n"
         "                  ? Array.prototype.shift.apply(arguments)\n"
         "                  : undefined;\n\n"
         "  // The last function is the callback; undefined arguments at the end count as absent.\n"
         "  // (argc is taken before `callback` is assigned: parameters alias `arguments`.)\n"
         "  dropTrailingUndefined(arguments);\n"
         "  var done = (arguments[arguments.length - 1] instanceof Function)\n"
         "           ? Array.prototype.pop.call(arguments)\n"
         "           : undefined;\n"
         "  dropTrailingUndefined(arguments);\n"
         "  var argc = arguments.length;\n"
         "  callback = done;\n\n"
      << "  if (" << (required > 0 ? "argc < " + std::to_string(required) + " || " : "")
      << "argc > " << params.size() << ")\n"
      << "    throw paramCountError(argc, " << required << ", " << params.size() << ");\n";
  for (size_t index = 0; index < params.size(); ++index) {
    if (params[index].optional) {
      out << "  if (argc < " << index + 1 << ") " << identifier(params[index].name)
          << " = undefined;\n";
    }
  }
  if (!params.empty()) {
    out << "\n";
  }
  for (const auto& param : params) {
    const std::string options = jsemit::checkOptions(param.type, !param.optional);
    out << "  checkType(" << quote(jsemit::checkName(param.type)) << ", " << quote(param.name)
        << ", " << identifier(param.name) << (options.empty() ? "" : ", " + options) << ");\n";
  }
  return out.str();
}

std::string paramsObject(const std::vector<Param>& params) {
  if (params.empty()) {
    return "";
  }
  std::ostringstream out;
  out << "\n  var params = {\n";
  for (size_t index = 0; index < params.size(); ++index) {
    out << "    " << quote(params[index].name) << ": " << identifier(params[index].name)
        << (index + 1 < params.size() ? ",\n" : "\n");
  }
  out << "  };\n";
  return out.str();
}

// `Class.prototype.operation = function(...)`: checks the arguments, invokes `operation` on the
// server and answers through the callback and the returned promise.
// `target` is what the function is assigned to; the returned promise also carries the methods
// of `disguiseAs` (so calls can be chained).
std::string invokeFunction(const std::string& target, const std::string& operation,
                           const std::vector<Param>& params, const TypeRef* returnType,
                           const std::string& disguiseAs = "this") {
  std::ostringstream out;
  out << target << " = function(";
  for (const auto& param : params) {
    out << identifier(param.name) << ", ";
  }
  out << "callback) {\n" << argumentPrologue(params) << paramsObject(params);
  const std::string args = quote(operation) + (params.empty() ? "" : ", params");
  out << "\n  callback = (callback || noop).bind(this);\n\n";
  if (returnType != nullptr && jsemit::holdsRemoteObjects(*returnType)) {
    out << "  return disguise(describeResult(this, this._invoke(transaction, " << args
        << "), callback), " << disguiseAs << ");\n";
  } else {
    out << "  return disguise(this._invoke(transaction, " << args << ", callback), " << disguiseAs
        << ");\n";
  }
  out << "};\n\n";
  return out.str();
}

std::string accessors(const RemoteClass& remoteClass) {
  std::string out;
  for (const auto& property : remoteClass.properties) {
    if (property.name == "id") {
      continue;  // the object id is the client-side `id` property set by the root class
    }
    const std::string getter = getterName(property.name);
    const std::string setter = setterName(property.name);
    out += invokeFunction(prototypeMember(remoteClass, getter), getter, {}, &property.type);
    if (!property.readOnly && !property.isFinal) {
      Param value;
      value.name = property.name;
      value.type = property.type;
      out += invokeFunction(prototypeMember(remoteClass, setter), setter, {value}, nullptr);
    }
  }
  return out;
}

std::string methods(const RemoteClass& remoteClass) {
  std::string out;
  for (const auto& method : remoteClass.methods) {
    const TypeRef* returnType = method.hasReturn ? &method.returnType : nullptr;
    if (jsCoreChainsConnect(remoteClass, method)) {
      // core's MediaElement.connect: the generated call connects one sink; jsCoreExtras
      // wraps it to accept an array, and the promise carries the sink's methods.
      out += invokeFunction("var connectOne", method.name, method.params, returnType,
                            identifier(method.params.front().name));
    } else {
      out += invokeFunction(prototypeMember(remoteClass, method.name), method.name, method.params,
                            returnType);
    }
  }
  return out;
}

// Sorted by name, as kurento-client's own packages list them (the order carries no meaning:
// kurento-client checks them by name).
std::string constructorParams(const RemoteClass& remoteClass) {
  std::ostringstream out;
  out << remoteClass.name << ".constructorParams = {";
  auto params = remoteClass.constructorParams;
  std::sort(params.begin(), params.end(),
            [](const Param& a, const Param& b) { return a.name < b.name; });
  for (size_t index = 0; index < params.size(); ++index) {
    const Param& param = params[index];
    out << (index == 0 ? "\n" : ",\n") << "  " << quote(param.name)
        << ": {type: " << quote(jsemit::checkName(param.type))
        << (param.optional ? "" : ", required: true")
        << (param.type.kind == TypeKind::kArray ? ", isArray: true" : "") << "}";
  }
  out << (params.empty() ? "};\n" : "\n};\n");
  return out.str();
}

std::string events(const RemoteClass& remoteClass) {
  std::string list;
  for (const auto& event : remoteClass.events) {
    list += (list.empty() ? "" : ", ") + quote(event.name);
  }
  const std::string name = remoteClass.name;
  if (remoteClass.parent == nullptr) {
    return name + ".events = [" + list + "];\n";
  }
  return name + ".events = Parent.events" + (list.empty() ? "" : ".concat([" + list + "])") + ";\n";
}

std::string requires(const RemoteClass& remoteClass) {
  std::string out =
      "var inherits = require('inherits');\n"
      "var promiseCallback = require('promisecallback');\n\n"
      "var kurentoClient = require('kurento-client');\n\n"
      "var disguise = kurentoClient.disguise;\n"
      "var checkType = kurentoClient.checkType;\n"
      "var ChecktypeError = checkType.ChecktypeError;\n"
      "var Transaction = kurentoClient.TransactionsManager.Transaction;\n\n";
  if (remoteClass.parent == nullptr) {
    out += "var Parent = require('events').EventEmitter;\n";
  } else {
    out += "var Parent = " + jsemit::classReference(*remoteClass.parent, remoteClass) + ";\n";
  }
  return out + jsCoreRequires(remoteClass) + "\n";
}

std::string constructorFunction(const RemoteClass& remoteClass) {
  const std::string& name = remoteClass.name;
  std::string body = name + ".super_.call(this);\n";
  if (remoteClass.parent == nullptr) {
    body += jsRootConstructorBody();
  }
  body += jsCoreConstructorBody(remoteClass);
  return "function " + name + "(strict) {\n  " + body + "}\ninherits(" + name + ", Parent);\n\n";
}

std::string checker(const RemoteClass& remoteClass) {
  const std::string& name = remoteClass.name;
  return "function check" + name + "(key, value) {\n  if (!(value instanceof " + name +
         "))\n    throw ChecktypeError(key, " + name + ", value);\n}\n\n" +
         "module.exports = " + name + ";\n\n" + name + ".check = check" + name + ";\n";
}

}  // namespace

GeneratedFile emitJsClass(const RemoteClass& remoteClass) {
  std::ostringstream out;
  out << jsemit::banner(*remoteClass.module) << "\n"
      << "// " << (remoteClass.isAbstract ? "Abstract class " : "Class ")
      << remoteClass.module->qualifiedName(remoteClass.name) << "\n\n"
      << requires(remoteClass) << kFileHelpers << constructorFunction(remoteClass)
      << "//\n// Properties\n//\n\n"
      << accessors(remoteClass) << "//\n// Methods\n//\n\n"
      << methods(remoteClass);
  if (remoteClass.parent == nullptr) {
    out << jsRootPrototype(remoteClass.name);
  }
  out << jsCoreExtras(remoteClass) << constructorParams(remoteClass) << "\n"
      << events(remoteClass) << "\n"
      << checker(remoteClass);
  const std::string folder = remoteClass.isAbstract ? "lib/abstracts/" : "lib/";
  return {folder + remoteClass.name + ".js", out.str()};
}

}  // namespace kmsidl

// Complex types -> lib/complexTypes/<Type>.js (see JsEmitter.hpp).
//
// REGISTER R: a constructor `R(dict)` (callable without `new`) with one enumerable member per
// IDL property, `__module__`/`__type__` on the prototype (as the server sends them), and
// `R.check` validating an R or a plain object member by member. ENUM E: the module exports
// the checker itself (kurento-client registers a function without `check` as a checker).
#include "JsEmitter.hpp"

#include <cctype>
#include <sstream>

namespace kmsidl {
namespace {

using jsemit::quote;

std::string dictName(const ComplexType& type) {
  std::string name = type.name;
  name[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[0])));
  return name + "Dict";
}

std::string registerConstructor(const ComplexType& type) {
  const std::string& name = type.name;
  const std::string dict = dictName(type);
  std::ostringstream out;
  out << "function " << name << "(" << dict << ") {\n"
      << "  if (!(this instanceof " << name << ")) return new " << name << "(" << dict << ");\n\n"
      << "  " << dict << " = " << dict << " || {};\n\n"
      << "  " << name << ".super_.call(this, " << dict << ");\n";
  if (!type.properties.empty()) {
    out << "\n  Object.defineProperties(this, {\n";
    for (size_t index = 0; index < type.properties.size(); ++index) {
      const std::string& member = type.properties[index].name;
      out << "    " << quote(member) << ": {writable: true, enumerable: true, value: " << dict
          << "[" << quote(member) << "]}" << (index + 1 < type.properties.size() ? ",\n" : "\n");
    }
    out << "  });\n";
  }
  out << "}\ninherits(" << name << ", Parent);\n\n";
  // Enumerable, so JSON.stringify() sends them and the server can rebuild the type.
  out << "Object.defineProperties(" << name << ".prototype, {\n"
      << "  __module__: {enumerable: true, value: " << quote(type.module->qualifiedPrefix())
      << "},\n"
      << "  __type__: {enumerable: true, value: " << quote(name) << "}\n});\n\n";
  return out.str();
}

std::string registerChecker(const ComplexType& type) {
  const std::string& name = type.name;
  std::ostringstream out;
  out << "// Accepts a " << name << " or a plain object whose members have the IDL types.\n"
      << "function check" << name << "(key, value) {\n"
      << "  if (value == null) throw new SyntaxError(key + ' param is required');\n"
      << "  if (typeof value !== 'object' || value instanceof Array)\n"
      << "    throw ChecktypeError(key, " << name << ", value);\n";
  if (type.parent != nullptr) {
    out << "\n  Parent.check(key, value);\n";
  }
  if (!type.properties.empty()) {
    out << "\n";
  }
  for (const auto& member : type.properties) {
    const std::string options = jsemit::checkOptions(member.type, !member.optional);
    out << "  checkType(" << quote(jsemit::checkName(member.type)) << ", key + "
        << quote("." + member.name) << ", value[" << quote(member.name) << "]"
        << (options.empty() ? "" : ", " + options) << ");\n";
  }
  out << "}\n\n";
  return out.str();
}

std::string registerFile(const ComplexType& type) {
  std::ostringstream out;
  out << "var inherits = require('inherits');\n\n"
      << "var kurentoClient = require('kurento-client');\n\n"
      << "var checkType = kurentoClient.checkType;\n"
      << "var ChecktypeError = checkType.ChecktypeError;\n\n"
      << "var Parent = " << jsemit::complexTypeReference(type.parent, *type.module) << ";\n\n"
      << registerConstructor(type) << registerChecker(type) << "module.exports = " << type.name
      << ";\n\n"
      << type.name << ".check = check" << type.name << ";\n";
  return out.str();
}

std::string enumFile(const ComplexType& type) {
  std::ostringstream out;
  out << "var values = [";
  for (size_t index = 0; index < type.values.size(); ++index) {
    out << (index == 0 ? "" : ", ") << quote(type.values[index]);
  }
  out << "];\n\n"
      << "function check" << type.name << "(key, value) {\n"
      << "  if (typeof value !== 'string')\n"
      << "    throw new SyntaxError(key + ' param should be a String, not ' + typeof value);\n"
      << "  if (values.indexOf(value) < 0)\n"
      << "    throw new SyntaxError(key + ' param is not one of [' + values.join('|') + '] (' + "
         "value + ')');\n"
      << "}\n\n"
      << "module.exports = check" << type.name << ";\n";
  return out.str();
}

}  // namespace

GeneratedFile emitJsComplexType(const ComplexType& type) {
  const bool isEnum = type.format == TypeFormat::kEnum;
  std::string content = jsemit::banner(*type.module) + "\n// " + (isEnum ? "Enum " : "Type ") +
                        type.module->qualifiedName(type.name) + "\n\n" +
                        (isEnum ? enumFile(type) : registerFile(type));
  return {"lib/complexTypes/" + type.name + ".js", content};
}

GeneratedFile emitJsComplexTypeBase() {
  // Only core ships it; other modules reach it through core (see complexTypeReference).
  std::string content = R"(/* Generated by kurento-module-creator. Do not edit. */

// The base of every REGISTER complex type.

var ChecktypeError = require('kurento-client').checkType.ChecktypeError;

function ComplexType() {}

// Sends the own data members (and the inherited __module__/__type__) to the server.
ComplexType.prototype.toJSON = function() {
  var result = {};
  for (var key in this) {
    if (typeof this[key] !== 'function') result[key] = this[key];
  }
  return result;
};

function checkComplexType(key, value) {
  if (!(value instanceof ComplexType)) throw ChecktypeError(key, ComplexType, value);
}

module.exports = ComplexType;

ComplexType.check = checkComplexType;
)";
  return {"lib/complexTypes/ComplexType.js", content};
}

}  // namespace kmsidl
